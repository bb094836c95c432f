using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Conv2d / Conv1d → Conv(x, W, b). Weights are already in ONNX layout (O, C, kh, kw) / (O, C, k), so export is a copy.
/// Every attribute is written explicitly: kernel_shape, strides, pads [begin…, end…] (symmetric), dilations, group = 1.
/// </summary>
internal sealed class ConvExporter(Type moduleType) : IModuleExporter
{
    public Type ModuleType => moduleType;

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        (Tensor weight, Tensor? bias, long[] kernel, long[] strides, long[] pads, long[] dilations) = module switch
        {
            Conv2d c => (c.Weight, c.Bias, new long[] { c.Window.KernelH, c.Window.KernelW }, new long[] { c.Window.StrideH, c.Window.StrideW },
                new long[] { c.Window.PadH, c.Window.PadW, c.Window.PadH, c.Window.PadW }, new long[] { c.Window.DilationH, c.Window.DilationW }),
            Conv1d c => (c.Weight, c.Bias, new long[] { c.Kernel }, new long[] { c.Stride }, new long[] { c.Padding, c.Padding }, new long[] { c.Dilation }),
            _ => throw new NotSupportedException($"ConvExporter cannot export '{module.GetType().Name}'."),
        };
        string w = graph.AddInitializer(graph.UniqueName("conv_weight"), weight.Span, weight.Shape.Select(d => (long)d).ToArray());
        var inputs = new List<string> { input, w };
        if (bias is not null) inputs.Add(graph.AddInitializer(graph.UniqueName("conv_bias"), bias.Span, bias.Length));
        return graph.AddNode("Conv", inputs,
            OnnxAttribute.Ints("kernel_shape", kernel),
            OnnxAttribute.Ints("strides", strides),
            OnnxAttribute.Ints("pads", pads),
            OnnxAttribute.Ints("dilations", dilations),
            OnnxAttribute.Int("group", 1));
    }
}
