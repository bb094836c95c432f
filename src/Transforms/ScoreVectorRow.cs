using System.ComponentModel;
using Microsoft.ML.Data;

namespace MlNetDeep.Transforms;

/// <summary>Input row of <see cref="ScoreToScalarFactory"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ScoreVectorRow
{
    /// <summary>The one-element vector ONNX Runtime produced.</summary>
    [ColumnName(TemporaryColumns.ScoreVector), VectorType(1)]
    public float[] Value { get; set; } = [];
}
