using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models;

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
    /// <value>Default null (Flatten, fixed input size).</value>
    public IReadOnlyList<int>? SpatialPyramidLevels { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the dropout rate is outside [0, 1), or the input is smaller than 4×4 without pyramid pooling.</exception>
    public void Check()
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

/// <summary>
/// Builds a small two-stage convolutional classifier, (B, C, H, W) → (B, K) logits:
/// [conv3×3(32, padding 1) → BN → ReLU → MaxPool 2] → [conv3×3(64, padding 1) → BN → ReLU → MaxPool 2] → Flatten
/// (or spatial pyramid pooling) → Linear(·, 128) → ReLU → Dropout(0.5) → Linear(128, K).
/// </summary>
/// <remarks>
/// Each stage is built as BN → MaxPool → ReLU: ReLU is monotonic, so it commutes with the max and the outputs and
/// gradients are exactly those of BN → ReLU → MaxPool, while ReLU touches a quarter of the values.
///
/// With the defaults, C = 1, K = 10 and 28×28 input this is the anchor benchmark's "lenet" (421,834 parameters: the
/// convolutions keep their biases, as there). The Flatten variant needs the input size in the architecture
/// (Linear input = 64·⌊⌊H/2⌋/2⌋·⌊⌊W/2⌋/2⌋); the pyramid variant accepts any H, W ≥ <see cref="MinimumInputSize"/> and is
/// exported to ONNX with symbolic H and W. Exportable to ONNX: yes.
/// </remarks>
public static class SmallCnn
{
    /// <summary>Default settings of <see cref="SmallCnnArchitecture"/>.</summary>
    public static class Defaults
    {
        /// <summary>Maps of the first convolution.</summary>
        public const int Conv1Channels = 32;

        /// <summary>Maps of the second convolution.</summary>
        public const int Conv2Channels = 64;

        /// <summary>Hidden fully connected units.</summary>
        public const int HiddenUnits = 128;

        /// <summary>Dropout probability after the hidden layer.</summary>
        public const float DropoutRate = 0.5f;

        /// <summary>Input height and width (MNIST's 28).</summary>
        public const int InputSize = 28;
    }

    /// <summary>
    /// Smallest input height and width (4): the two 2×2 max pools floor the maps to ⌊⌊H/2⌋/2⌋, which must stay ≥ 1
    /// (a smaller image leaves empty maps, for the pyramid variant too).
    /// </summary>
    public const int MinimumInputSize = 4;

    /// <summary>Builds the network; weights come from <paramref name="rng"/> (He uniform for layers followed by ReLU, Glorot for the output).</summary>
    /// <param name="inputChannels">C</param>
    /// <param name="classCount">K</param>
    /// <param name="architecture">Layer sizes and options.</param>
    /// <param name="rng">Seeded generator for weights and dropout masks.</param>
    /// <returns>(B, C, H, W) → (B, K) logits.</returns>
    public static Sequential Build(int inputChannels, int classCount, SmallCnnArchitecture architecture, Rng rng)
    {
        if (inputChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inputChannels), inputChannels, "Must be positive.");
        if (classCount <= 0) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "Must be positive.");
        architecture.Check();
        int c1 = architecture.Conv1Channels, c2 = architecture.Conv2Channels;
        var modules = new List<Module>
        {
            // ReLU after the pool: same values (max and ReLU commute), a quarter of the work.
            new Conv2d(inputChannels, c1, 3, rng, padding: 1), new BatchNorm(c1), new MaxPool2d(2), new Activation(ActivationKind.Relu),
            new Conv2d(c1, c2, 3, rng, padding: 1), new BatchNorm(c2), new MaxPool2d(2), new Activation(ActivationKind.Relu),
        };
        int features;
        if (architecture.SpatialPyramidLevels is { } levels)
        {
            var spp = new SpatialPyramidPool([.. levels]);
            modules.Add(spp);
            features = c2 * spp.BinCount;
        }
        else
        {
            modules.Add(new Flatten());
            features = c2 * (architecture.InputHeight / 2 / 2) * (architecture.InputWidth / 2 / 2);
        }
        modules.Add(new Linear(features, architecture.HiddenUnits, rng, WeightInit.HeUniform));
        modules.Add(new Activation(ActivationKind.Relu));
        if (architecture.DropoutRate > 0f) modules.Add(new Dropout(architecture.DropoutRate, rng));
        modules.Add(new Linear(architecture.HiddenUnits, classCount, rng, WeightInit.GlorotUniform));
        return new Sequential([.. modules]);
    }
}
