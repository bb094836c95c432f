namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Average pooling (count_include_pad = true: padding counts as zeros in the kh·kw divisor) over (H, W) windows, PyTorch AvgPool2d with ceil_mode = false: (B, C, H, W) → (B, C, Ho, Wo);
/// see <see cref="Ops.AvgPool2d"/>. Exported as ONNX AveragePool with count_include_pad = 1 written explicitly. No parameters.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.AvgPool2dExporter</c> (src/Onnx/Export/Layers/AvgPool2dExporter.cs).</remarks>
internal sealed class AvgPool2d : Pool2dLayer
{
    /// <summary>Creates the layer with an arbitrary window (dilation must be 1).</summary>
    /// <param name="window">Kernel, stride, padding (at most half the kernel).</param>
    public AvgPool2d(Window2d window) : base(window) { }

    /// <summary>Creates the layer with a square window (PyTorch's integer arguments).</summary>
    /// <param name="kernel">kh = kw.</param>
    /// <param name="stride">Step in both directions; null means the kernel (PyTorch's default).</param>
    /// <param name="padding">Padding on every side.</param>
    public AvgPool2d(int kernel, int? stride = null, int padding = 0) : this(Window2d.Square(kernel, stride ?? kernel, padding)) { }

    /// <summary>(B, C, H, W) → (B, C, Ho, Wo)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, H, W)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.AvgPool2d(tape, x, Window);
}
