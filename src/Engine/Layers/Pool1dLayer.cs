namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Base of the 1-D pooling layers (<see cref="MaxPool1d"/>, <see cref="AvgPool1d"/>) over the last axis of (B, C, L):
/// validated kernel, stride and padding, no parameters.
/// </summary>
internal abstract class Pool1dLayer : Module
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
