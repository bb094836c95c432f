using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models;

/// <summary>
/// Builds a densely connected network for small images (Huang et al. 2017, CIFAR style without 1×1 bottlenecks),
/// (B, C, H, W) → (B, K) logits: stem conv3×3(C → c₀, padding 1, no bias); dense blocks (<see cref="DenseBlock"/>) with a
/// <see cref="TransitionLayer"/> (compression θ, halving H and W) between consecutive blocks; BN → ReLU → GlobalAvgPool → Linear(K).
/// </summary>
/// <remarks>
/// Channels: block b adds L_b·k; a transition maps C to max(1, ⌊θ·C⌋). Any input with H, W ≥ 2^(blocks − 1) works.
/// Exportable to ONNX: yes.
/// </remarks>
internal static class DenseNet
{
    /// <summary>Default settings of <see cref="DenseNetArchitecture"/>.</summary>
    internal static class Defaults
    {
        /// <summary>Stem maps (2k).</summary>
        public const int StemChannels = 24;

        /// <summary>Growth rate k.</summary>
        public const int GrowthRate = 12;

        /// <summary>Transition compression θ.</summary>
        public const float Compression = 0.5f;

        /// <summary>Layers per dense block: [4, 4, 4] (a new array on each call).</summary>
        public static IReadOnlyList<int> LayersPerBlock => [4, 4, 4];
    }

    /// <summary>Builds the network from the <see cref="NetworkPresets.DenseNet"/> preset; convolutions He uniform, the classifier Glorot uniform, all from <paramref name="rng"/>.</summary>
    /// <param name="inputChannels">C</param>
    /// <param name="classCount">K</param>
    /// <param name="architecture">Stem, growth, blocks and compression.</param>
    /// <param name="rng">Seeded generator for the weights.</param>
    /// <returns>(B, C, H, W) → (B, K) logits.</returns>
    public static Sequential Build(int inputChannels, int classCount, DenseNetArchitecture architecture, Rng rng)
    {
        if (inputChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inputChannels), inputChannels, "Must be positive.");
        if (classCount <= 0) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "Must be positive.");
        architecture.Check();
        // No layer depends on H and W (global pooling before the classifier); the smallest image the transitions take,
        // 2^(blocks − 1) on a side, gives the same modules.
        int side = 1 << (architecture.LayersPerBlock.Count - 1);
        return NetworkPresets.DenseNet(classCount, architecture).Build([inputChannels, side, side], rng);
    }
}
