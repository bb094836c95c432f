namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Base of the 2-D pooling layers (<see cref="MaxPool2d"/>, <see cref="AvgPool2d"/>): one validated window, no parameters.
/// Only the op applied to each window differs between them.
/// </summary>
public abstract class Pool2dLayer : Module
{
    /// <summary>Validates and stores the window (dilation 1, padding at most half the kernel).</summary>
    /// <param name="window">Kernel, stride, padding.</param>
    private protected Pool2dLayer(Window2d window)
    {
        string name = GetType().Name;
        window.Validate(name);
        if (window.DilationH != 1 || window.DilationW != 1) throw new ArgumentException($"{name}: dilation is not supported.", nameof(window));
        if (2 * window.PadH > window.KernelH || 2 * window.PadW > window.KernelW)
            throw new ArgumentException($"{name}: padding must be at most half the kernel, got {window}.", nameof(window));
        Window = window;
    }

    /// <summary>Kernel, stride, padding.</summary>
    public Window2d Window { get; }
}

/// <summary>
/// Base of the 1-D pooling layers (<see cref="MaxPool1d"/>, <see cref="AvgPool1d"/>) over the last axis of (B, C, L):
/// validated kernel, stride and padding, no parameters.
/// </summary>
public abstract class Pool1dLayer : Module
{
    /// <summary>Validates and stores the window.</summary>
    /// <param name="kernel">Window length k.</param>
    /// <param name="stride">Step between windows; null means the kernel (PyTorch's default).</param>
    /// <param name="padding">Padding at each end (at most k / 2).</param>
    private protected Pool1dLayer(int kernel, int? stride, int padding)
    {
        Window2d.Line(kernel, stride ?? kernel, padding).Validate(GetType().Name);
        if (2 * padding > kernel) throw new ArgumentOutOfRangeException(nameof(padding), padding, "Padding must be at most half the kernel.");
        Kernel = kernel;
        Stride = stride ?? kernel;
        Padding = padding;
    }

    /// <summary>Window length k.</summary>
    public int Kernel { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Padding at each end.</summary>
    public int Padding { get; }
}
