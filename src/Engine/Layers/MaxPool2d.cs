namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Max pooling over (H, W) windows, PyTorch MaxPool2d with ceil_mode = false: (B, C, H, W) → (B, C, Ho, Wo);
/// see <see cref="Ops.MaxPool2d"/>. Padding never wins (acts as −∞). Exported as ONNX MaxPool with explicit strides (ONNX defaults to 1, PyTorch to the kernel). No parameters.
/// </summary>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates the layer with an arbitrary window (dilation must be 1).</summary>
    /// <param name="window">Kernel, stride, padding (at most half the kernel).</param>
    public MaxPool2d(Window2d window)
    {
        window.Validate(nameof(MaxPool2d));
        if (window.DilationH != 1 || window.DilationW != 1) throw new ArgumentException("MaxPool2d: dilation is not supported.", nameof(window));
        if (2 * window.PadH > window.KernelH || 2 * window.PadW > window.KernelW)
            throw new ArgumentException($"MaxPool2d: padding must be at most half the kernel, got {window}.", nameof(window));
        Window = window;
    }

    /// <summary>Creates the layer with a square window (PyTorch's integer arguments).</summary>
    /// <param name="kernel">kh = kw.</param>
    /// <param name="stride">Step in both directions; null means the kernel (PyTorch's default).</param>
    /// <param name="padding">Padding on every side.</param>
    public MaxPool2d(int kernel, int? stride = null, int padding = 0) : this(Window2d.Square(kernel, stride ?? kernel, padding)) { }

    /// <summary>Kernel, stride, padding.</summary>
    public Window2d Window { get; }

    /// <summary>(B, C, H, W) → (B, C, Ho, Wo)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, H, W)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.MaxPool2d(tape, x, Window);
}
