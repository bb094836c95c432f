using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// MaxPool2d / MaxPool1d → MaxPool and AvgPool2d / AvgPool1d → AveragePool. Semantic differences from ONNX defaults
/// are written out: strides always (ONNX defaults to 1, PyTorch to the kernel), ceil_mode = 0, and for averages
/// count_include_pad = 1 (PyTorch's default; ONNX defaults to 0, which would divide border windows by fewer elements).
/// </summary>
internal sealed class PoolExporter(Type moduleType) : IModuleExporter
{
    public Type ModuleType => moduleType;

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        bool max = module is MaxPool2d or MaxPool1d;
        (long[] kernel, long[] strides, long[] pads) = module switch
        {
            Pool2dLayer p => (Kernel2d(p.Window), Strides2d(p.Window), Pads2d(p.Window)),
            Pool1dLayer p => (new long[] { p.Kernel }, new long[] { p.Stride }, new long[] { p.Padding, p.Padding }),
            _ => throw new NotSupportedException($"PoolExporter cannot export '{module.GetType().Name}'."),
        };
        var attributes = new List<OnnxAttribute>
        {
            OnnxAttribute.Ints("kernel_shape", kernel),
            OnnxAttribute.Ints("strides", strides),
            OnnxAttribute.Ints("pads", pads),
            OnnxAttribute.Int("ceil_mode", 0),
        };
        if (!max) attributes.Add(OnnxAttribute.Int("count_include_pad", 1));
        return graph.AddNode(max ? "MaxPool" : "AveragePool", [input], [.. attributes]);
    }

    private static long[] Kernel2d(Engine.Window2d w) => [w.KernelH, w.KernelW];

    private static long[] Strides2d(Engine.Window2d w) => [w.StrideH, w.StrideW];

    private static long[] Pads2d(Engine.Window2d w) => [w.PadH, w.PadW, w.PadH, w.PadW];
}
