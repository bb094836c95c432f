using System.ComponentModel;
using Microsoft.ML.Transforms;

namespace MlNetDeep.Transforms;

/// <summary>Vector&lt;Single, 1&gt; → Single: ML.NET's regression evaluator needs a scalar Score.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(ContractName)]
public sealed class ScoreToScalarFactory : CustomMappingFactory<ScoreVectorRow, ScoreRow>
{
    /// <summary>Contract name stored in saved models; never change it.</summary>
    internal const string ContractName = "MlNetDeep.ScoreToScalar";

    /// <summary>The mapping itself.</summary>
    internal static void Map(ScoreVectorRow input, ScoreRow output) => output.Value = input.Value[0];

    /// <inheritdoc/>
    public override Action<ScoreVectorRow, ScoreRow> GetMapping() => Map;
}
