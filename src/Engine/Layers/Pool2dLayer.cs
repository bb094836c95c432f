namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Base of the 2-D pooling layers (<see cref="MaxPool2d"/>, <see cref="AvgPool2d"/>): one validated window, no parameters.
/// Only the op applied to each window differs between them.
/// </summary>
internal abstract class Pool2dLayer : Module
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
