using System.ComponentModel;
using Microsoft.ML.Transforms;

namespace MlNetDeep.Transforms;

/// <summary>Vector&lt;Int64, 1&gt; → Int64: OnnxTransformer never yields scalars, but a predicted label must be one.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(ContractName)]
public sealed class PredictedIndexToScalarFactory : CustomMappingFactory<PredictedIndexVectorRow, PredictedIndexRow>
{
    /// <summary>Contract name stored in saved models; never change it.</summary>
    internal const string ContractName = "MlNetDeep.PredictedIndexToScalar";

    /// <summary>The mapping itself.</summary>
    internal static void Map(PredictedIndexVectorRow input, PredictedIndexRow output) => output.Value = input.Value[0];

    /// <inheritdoc/>
    public override Action<PredictedIndexVectorRow, PredictedIndexRow> GetMapping() => Map;
}
