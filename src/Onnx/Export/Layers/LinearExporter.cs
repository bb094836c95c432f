using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="Linear"/> → Gemm(x, W, b, transB = 1): W is stored (out, in) in both, so export is a copy.</summary>
internal sealed class LinearExporter : ModuleExporter<Linear>
{
    protected override string Export(OnnxGraphBuilder graph, Linear layer, string input)
    {
        string w = graph.AddInitializer(graph.UniqueName("linear_weight"), layer.Weight.Span, layer.OutFeatures, layer.InFeatures);
        var inputs = new List<string> { input, w };
        if (layer.Bias is { } bias) inputs.Add(graph.AddInitializer(graph.UniqueName("linear_bias"), bias.Span, layer.OutFeatures));
        return graph.AddNode("Gemm", inputs, OnnxAttribute.Int("transB", 1));
    }
}
