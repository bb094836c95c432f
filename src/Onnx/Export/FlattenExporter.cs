using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Flatten → Flatten(axis = 1): (B, …) → (B, rest).</summary>
internal sealed class FlattenExporter : IModuleExporter
{
    public Type ModuleType => typeof(Flatten);

    public string Export(OnnxGraphBuilder graph, Module module, string input) =>
        graph.AddNode("Flatten", [input], OnnxAttribute.Int("axis", 1));
}
