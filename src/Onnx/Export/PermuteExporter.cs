using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Permute → Transpose(perm); both use "output axis i takes input axis perm[i]".</summary>
internal sealed class PermuteExporter : IModuleExporter
{
    public Type ModuleType => typeof(Permute);

    public string Export(OnnxGraphBuilder graph, Module module, string input) =>
        graph.AddNode("Transpose", [input], OnnxAttribute.Ints("perm", ((Permute)module).Perm.Select(p => (long)p).ToArray()));
}
