using System.ComponentModel;
using Microsoft.ML.Data;

namespace MlNetDeep.Transforms;

/// <summary>Input row of <see cref="PredictedIndexToScalarFactory"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PredictedIndexVectorRow
{
    /// <summary>The one-element vector ONNX Runtime produced.</summary>
    [ColumnName(TemporaryColumns.PredictedIndexVector), VectorType(1)]
    public long[] Value { get; set; } = [];
}
