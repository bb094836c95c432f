using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep;

/// <summary>Architecture of a <see cref="SmallCnn"/>; every default is in <see cref="SmallCnn.Defaults"/>.</summary>
public sealed record SmallCnnArchitecture
{
    /// <summary>Maps of the first 3×3 convolution.</summary>
    /// <value>Default <see cref="SmallCnn.Defaults.Conv1Channels"/> (32).</value>
    public int Conv1Channels { get; init; } = SmallCnn.Defaults.Conv1Channels;

    /// <summary>Maps of the second 3×3 convolution.</summary>
    /// <value>Default <see cref="SmallCnn.Defaults.Conv2Channels"/> (64).</value>
    public int Conv2Channels { get; init; } = SmallCnn.Defaults.Conv2Channels;

    /// <summary>Units of the hidden fully connected layer.</summary>
    /// <value>Default <see cref="SmallCnn.Defaults.HiddenUnits"/> (128).</value>
    public int HiddenUnits { get; init; } = SmallCnn.Defaults.HiddenUnits;

    /// <summary>Dropout probability after the hidden layer (0 removes the Dropout layer).</summary>
    /// <value>Default <see cref="SmallCnn.Defaults.DropoutRate"/> (0.5).</value>
    public float DropoutRate { get; init; } = SmallCnn.Defaults.DropoutRate;

    /// <summary>Input height H; fixes the Flatten width, ignored with <see cref="SpatialPyramidLevels"/>.</summary>
    /// <value>Default <see cref="SmallCnn.Defaults.InputSize"/> (28).</value>
    public int InputHeight { get; init; } = SmallCnn.Defaults.InputSize;

    /// <summary>Input width W; fixes the Flatten width, ignored with <see cref="SpatialPyramidLevels"/>.</summary>
    /// <value>Default <see cref="SmallCnn.Defaults.InputSize"/> (28).</value>
    public int InputWidth { get; init; } = SmallCnn.Defaults.InputSize;

    /// <summary>
    /// Bins per side of each spatial-pyramid level, e.g. [1, 2, 4]: replaces Flatten by max <see cref="SpatialPyramidPool"/>,
    /// so any input size works and the hidden layer sees Conv2Channels·Σn² features. Null keeps Flatten.
    /// </summary>
    /// <value>Default null; Flatten, fixed input size.</value>
    public IReadOnlyList<int>? SpatialPyramidLevels { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the dropout rate is outside [0, 1), or the input is smaller than 4×4 without pyramid pooling.</exception>
    internal void Check()
    {
        if (Conv1Channels <= 0) throw new ArgumentOutOfRangeException(nameof(Conv1Channels), Conv1Channels, "Must be positive.");
        if (Conv2Channels <= 0) throw new ArgumentOutOfRangeException(nameof(Conv2Channels), Conv2Channels, "Must be positive.");
        if (HiddenUnits <= 0) throw new ArgumentOutOfRangeException(nameof(HiddenUnits), HiddenUnits, "Must be positive.");
        if (!(DropoutRate >= 0f && DropoutRate < 1f)) throw new ArgumentOutOfRangeException(nameof(DropoutRate), DropoutRate, "Must lie in [0, 1).");
        if (SpatialPyramidLevels is null)
        {
            if (InputHeight < SmallCnn.MinimumInputSize)
                throw new ArgumentOutOfRangeException(nameof(InputHeight), InputHeight, $"Must be at least {SmallCnn.MinimumInputSize} (two 2×2 max pools).");
            if (InputWidth < SmallCnn.MinimumInputSize)
                throw new ArgumentOutOfRangeException(nameof(InputWidth), InputWidth, $"Must be at least {SmallCnn.MinimumInputSize} (two 2×2 max pools).");
        }
        else if (SpatialPyramidLevels.Count == 0 || SpatialPyramidLevels.Any(n => n <= 0))
            throw new ArgumentOutOfRangeException(nameof(SpatialPyramidLevels), "Needs at least one level, each with a positive bin count.");
    }
}
