using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="Flatten"/> → Flatten(axis = 1): (B, …) → (B, rest).</summary>
internal sealed class FlattenExporter : ModuleExporter<Flatten>
{
    protected override string Export(OnnxGraphBuilder graph, Flatten layer, string input) =>
        graph.AddNode("Flatten", [input], OnnxAttribute.Int("axis", 1));
}
