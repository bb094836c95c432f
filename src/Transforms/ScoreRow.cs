using System.ComponentModel;
using Microsoft.ML.Data;

namespace MlNetDeep.Transforms;

/// <summary>Output row of <see cref="ScoreToScalarFactory"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ScoreRow
{
    /// <summary>The regression score as a scalar.</summary>
    [ColumnName(TemporaryColumns.Score)]
    public float Value { get; set; }
}
