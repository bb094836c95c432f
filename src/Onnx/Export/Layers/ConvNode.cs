using MlNetDeep.Engine;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// The Conv node of <see cref="Conv2dExporter"/> and <see cref="Conv1dExporter"/>: Conv(x, W, b). Weights are already in
/// ONNX layout (O, C, kh, kw) / (O, C, k), so export is a copy. Every attribute is written explicitly: the window
/// (<see cref="WindowAttributes"/>), dilations, group = 1.
/// </summary>
internal static class ConvNode
{
    /// <summary>Adds the weight and bias initializers and the Conv node.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="input">(B, C, …) input.</param>
    /// <param name="weight">(O, C, kernel…)</param>
    /// <param name="bias">(O), or null.</param>
    /// <param name="window">kernel_shape, strides, pads from <see cref="WindowAttributes"/>.</param>
    /// <param name="dilations">One per spatial axis.</param>
    /// <returns>The (B, O, …) output.</returns>
    public static string Add(OnnxGraphBuilder graph, string input, Tensor weight, Tensor? bias, OnnxAttribute[] window, params long[] dilations)
    {
        string w = graph.AddInitializer(graph.UniqueName("conv_weight"), weight.Span, weight.Shape.Select(d => (long)d).ToArray());
        var inputs = new List<string> { input, w };
        if (bias is not null) inputs.Add(graph.AddInitializer(graph.UniqueName("conv_bias"), bias.Span, bias.Length));
        return graph.AddNode("Conv", inputs, [.. window, OnnxAttribute.Ints("dilations", dilations), OnnxAttribute.Int("group", 1)]);
    }
}
