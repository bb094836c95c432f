using Microsoft.ML.Data;

namespace MlNetDeep.Transforms;

/// <summary>Output row of <see cref="ScoreToScalarFactory"/>.</summary>
public sealed class ScoreRow
{
    /// <summary>The regression score as a scalar.</summary>
    [ColumnName(TemporaryColumns.Score)]
    public float Value { get; set; }
}
