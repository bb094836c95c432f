using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="GlobalAvgPool"/> → GlobalAveragePool + Flatten(axis = 1): ONNX keeps (B, C, 1, …) while the layer produces (B, C).</summary>
internal sealed class GlobalAvgPoolExporter : ModuleExporter<GlobalAvgPool>
{
    protected override string Export(OnnxGraphBuilder graph, GlobalAvgPool layer, string input) =>
        graph.AddNode("Flatten", [graph.AddNode("GlobalAveragePool", [input])], OnnxAttribute.Int("axis", 1));
}
