namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Max pooling over (H, W) windows, PyTorch MaxPool2d with ceil_mode = false: (B, C, H, W) → (B, C, Ho, Wo);
/// see <see cref="Ops.MaxPool2d"/>. Padding never wins (acts as −∞). Exported as ONNX MaxPool with explicit strides (ONNX defaults to 1, PyTorch to the kernel). No parameters.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.MaxPool2dExporter</c> (src/Onnx/Export/Layers/MaxPool2dExporter.cs).</remarks>
internal sealed class MaxPool2d : Pool2dLayer
{
    /// <summary>Creates the layer with an arbitrary window (dilation must be 1).</summary>
    /// <param name="window">Kernel, stride, padding (at most half the kernel).</param>
    public MaxPool2d(Window2d window) : base(window) { }

    /// <summary>Creates the layer with a square window (PyTorch's integer arguments).</summary>
    /// <param name="kernel">kh = kw.</param>
    /// <param name="stride">Step in both directions; null means the kernel (PyTorch's default).</param>
    /// <param name="padding">Padding on every side.</param>
    public MaxPool2d(int kernel, int? stride = null, int padding = 0) : this(Window2d.Square(kernel, stride ?? kernel, padding)) { }

    /// <summary>(B, C, H, W) → (B, C, Ho, Wo)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, H, W)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.MaxPool2d(tape, x, Window);
}
