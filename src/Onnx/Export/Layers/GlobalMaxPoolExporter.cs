using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="GlobalMaxPool"/> → GlobalMaxPool + Flatten(axis = 1): ONNX keeps (B, C, 1, …) while the layer produces (B, C).</summary>
internal sealed class GlobalMaxPoolExporter : ModuleExporter<GlobalMaxPool>
{
    protected override string Export(OnnxGraphBuilder graph, GlobalMaxPool layer, string input) =>
        graph.AddNode("Flatten", [graph.AddNode("GlobalMaxPool", [input])], OnnxAttribute.Int("axis", 1));
}
