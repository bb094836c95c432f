using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Linear → Gemm(x, W, b, transB = 1): W is stored (out, in) in both, so export is a copy.</summary>
internal sealed class LinearExporter : IModuleExporter
{
    public Type ModuleType => typeof(Linear);

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        var linear = (Linear)module;
        string w = graph.AddInitializer(graph.UniqueName("linear_weight"), linear.Weight.Span, linear.OutFeatures, linear.InFeatures);
        var inputs = new List<string> { input, w };
        if (linear.Bias is { } bias) inputs.Add(graph.AddInitializer(graph.UniqueName("linear_bias"), bias.Span, linear.OutFeatures));
        return graph.AddNode("Gemm", inputs, OnnxAttribute.Int("transB", 1));
    }
}
