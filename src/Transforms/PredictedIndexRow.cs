using System.ComponentModel;
using Microsoft.ML.Data;

namespace MlNetDeep.Transforms;

/// <summary>Output row of <see cref="PredictedIndexToScalarFactory"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PredictedIndexRow
{
    /// <summary>The class index as a scalar.</summary>
    [ColumnName(TemporaryColumns.PredictedIndex)]
    public long Value { get; set; }
}
