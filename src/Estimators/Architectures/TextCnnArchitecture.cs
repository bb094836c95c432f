namespace MlNetDeep;

/// <summary>
/// The convolutional part of a TextCNN <see cref="TextClassifier"/> (Kim, 2014): parallel 1-D convolutions of several
/// widths over the embedded tokens, ReLU, max over time, concatenation, dropout. Every default is in <see cref="Defaults"/>.
/// </summary>
public sealed record TextCnnArchitecture
{
    /// <summary>Default values, in one place.</summary>
    public static class Defaults
    {
        /// <summary>Widths 3, 4 and 5.</summary>
        public static readonly IReadOnlyList<int> KernelSizes = [3, 4, 5];

        /// <summary>64 feature maps per width.</summary>
        public const int FiltersPerKernel = 64;

        /// <summary>0.5, as in Kim (2014).</summary>
        public const float DropoutRate = 0.5f;
    }

    /// <summary>Convolution widths in tokens (each ≥ 1, at most the text classifier's MaximumLength). <value>Default [3, 4, 5].</value></summary>
    public IReadOnlyList<int> KernelSizes { get; init; } = Defaults.KernelSizes;

    /// <summary>Feature maps per width (≥ 1). <value>Default 64.</value></summary>
    public int FiltersPerKernel { get; init; } = Defaults.FiltersPerKernel;

    /// <summary>Dropout before the output layer, in [0, 1). <value>Default 0.5.</value></summary>
    public float DropoutRate { get; init; } = Defaults.DropoutRate;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    internal void Check()
    {
        if (KernelSizes is null || KernelSizes.Count == 0 || KernelSizes.Any(k => k < 1))
            throw new ArgumentOutOfRangeException(nameof(KernelSizes), "KernelSizes must hold at least one positive width.");
        if (FiltersPerKernel < 1) throw new ArgumentOutOfRangeException(nameof(FiltersPerKernel), FiltersPerKernel, "FiltersPerKernel must be at least 1.");
        if (!(DropoutRate >= 0 && DropoutRate < 1)) throw new ArgumentOutOfRangeException(nameof(DropoutRate), DropoutRate, "DropoutRate must lie in [0, 1).");
    }
}
