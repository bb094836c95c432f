namespace MlNetDeep.Onnx.Export;

/// <summary>
/// The MaxPool and AveragePool nodes of the 1-D and 2-D pooling exporters. Semantic differences from ONNX defaults are
/// written out: the window (<see cref="WindowAttributes"/>, strides always), ceil_mode = 0, and for averages
/// count_include_pad = 1 (PyTorch's default; ONNX defaults to 0, which would divide border windows by fewer elements).
/// </summary>
internal static class PoolNode
{
    /// <summary>MaxPool(x) over <paramref name="window"/>.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="input">(B, C, …) input.</param>
    /// <param name="window">kernel_shape, strides, pads from <see cref="WindowAttributes"/>.</param>
    public static string Max(OnnxGraphBuilder graph, string input, OnnxAttribute[] window) =>
        graph.AddNode("MaxPool", [input], [.. window, OnnxAttribute.Int("ceil_mode", 0)]);

    /// <summary>AveragePool(x) over <paramref name="window"/>, padding counted in the divisor.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="input">(B, C, …) input.</param>
    /// <param name="window">kernel_shape, strides, pads from <see cref="WindowAttributes"/>.</param>
    public static string Average(OnnxGraphBuilder graph, string input, OnnxAttribute[] window) =>
        graph.AddNode("AveragePool", [input], [.. window, OnnxAttribute.Int("ceil_mode", 0), OnnxAttribute.Int("count_include_pad", 1)]);
}
