using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models;

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
internal static class SmallCnn
{
    /// <summary>Default settings of <see cref="SmallCnnArchitecture"/>.</summary>
    internal static class Defaults
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

    /// <summary>Builds the network from the <see cref="NetworkPresets.SmallCnn"/> preset; weights come from <paramref name="rng"/> (He uniform for layers followed by ReLU, Glorot for the output).</summary>
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
        // The pyramid variant's layers do not depend on H and W (pyramid pooling gives C·Σn² features for any size), so it
        // is built for the smallest input it takes; the Flatten variant for the input size its Linear layer is made for.
        int[] shape = architecture.SpatialPyramidLevels is null
            ? [inputChannels, architecture.InputHeight, architecture.InputWidth]
            : [inputChannels, MinimumInputSize, MinimumInputSize];
        return NetworkPresets.SmallCnn(classCount, architecture).Build(shape, rng);
    }
}
