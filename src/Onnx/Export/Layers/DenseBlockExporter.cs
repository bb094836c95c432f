using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// <see cref="DenseBlock"/> → for each layer, Concat(axis = 1) of the block input and all earlier layer outputs (skipped
/// for the first layer, which sees the input alone), the layer's nodes, and finally Concat(axis = 1) of the input and
/// every layer output, in the engine's order (input channels first).
/// </summary>
internal sealed class DenseBlockExporter : ModuleExporter<DenseBlock>
{
    protected override string Export(OnnxGraphBuilder graph, DenseBlock layer, string input)
    {
        var features = new List<string> { input };
        foreach (var denseLayer in layer.Layers)
        {
            string layerInput = features.Count == 1 ? input : graph.AddNode("Concat", [.. features], OnnxAttribute.Int("axis", 1));
            features.Add(ModuleExporter.Export(graph, denseLayer, layerInput));
        }
        return graph.AddNode("Concat", features, OnnxAttribute.Int("axis", 1));
    }
}
