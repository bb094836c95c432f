using MlNetDeep.Engine;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// The window attributes shared by Conv, MaxPool and AveragePool, always written: kernel_shape, strides (ONNX defaults
/// to 1, PyTorch pooling to the kernel) and pads as [begin…, end…], symmetric like the engine's padding.
/// </summary>
internal static class WindowAttributes
{
    /// <summary>kernel_shape [kh, kw], strides [sh, sw], pads [ph, pw, ph, pw].</summary>
    /// <param name="window">A 2-D window.</param>
    public static OnnxAttribute[] Of(Window2d window) =>
    [
        OnnxAttribute.Ints("kernel_shape", window.KernelH, window.KernelW),
        OnnxAttribute.Ints("strides", window.StrideH, window.StrideW),
        OnnxAttribute.Ints("pads", window.PadH, window.PadW, window.PadH, window.PadW),
    ];

    /// <summary>kernel_shape [k], strides [s], pads [p, p].</summary>
    /// <param name="kernel">Window length k.</param>
    /// <param name="stride">Step s.</param>
    /// <param name="padding">Padding p at each end.</param>
    public static OnnxAttribute[] Of(int kernel, int stride, int padding) =>
    [
        OnnxAttribute.Ints("kernel_shape", kernel),
        OnnxAttribute.Ints("strides", stride),
        OnnxAttribute.Ints("pads", padding, padding),
    ];
}
