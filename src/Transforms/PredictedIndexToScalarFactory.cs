using Microsoft.ML.Transforms;

namespace MlNetDeep.Transforms;

/// <summary>Vector&lt;Int64, 1&gt; → Int64: OnnxTransformer never yields scalars, but a predicted label must be one.</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class PredictedIndexToScalarFactory : CustomMappingFactory<PredictedIndexVectorRow, PredictedIndexRow>
{
    /// <summary>Contract name stored in saved models; never change it.</summary>
    public const string ContractName = "MlNetDeep.PredictedIndexToScalar";

    /// <summary>The mapping itself.</summary>
    public static void Map(PredictedIndexVectorRow input, PredictedIndexRow output) => output.Value = input.Value[0];

    /// <inheritdoc/>
    public override Action<PredictedIndexVectorRow, PredictedIndexRow> GetMapping() => Map;
}
