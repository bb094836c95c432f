using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="Permute"/> → Transpose(perm); both use "output axis i takes input axis perm[i]".</summary>
internal sealed class PermuteExporter : ModuleExporter<Permute>
{
    protected override string Export(OnnxGraphBuilder graph, Permute layer, string input) =>
        graph.AddNode("Transpose", [input], OnnxAttribute.Ints("perm", layer.Perm.Select(p => (long)p).ToArray()));
}
