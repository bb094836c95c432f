using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models;

/// <summary>
/// Builds a residual network for small images (He et al. 2016, CIFAR style), (B, C, H, W) → (B, K) logits:
/// stem conv3×3(C → w₀, padding 1, no bias) → BN → ReLU; stages of residual blocks, the first block of every stage
/// after the first with stride 2 (projection shortcut where the shape changes); GlobalAvgPool → Linear(K).
/// </summary>
/// <remarks>
/// The defaults (stages 16, 32, 64 of two basic blocks) with C = 3 and K = 10 are the anchor benchmark's "resnet-small",
/// 175,258 parameters. Any H, W ≥ 1 works (global pooling). Exportable to ONNX: yes.
/// </remarks>
internal static class ResNet
{
    /// <summary>Default settings of <see cref="ResNetArchitecture"/> ("resnet-small").</summary>
    internal static class Defaults
    {
        /// <summary>Stem maps w₀.</summary>
        public const int StemChannels = 16;

        /// <summary>Block kind.</summary>
        public const ResNetBlockKind Block = ResNetBlockKind.Basic;

        /// <summary>Channels per stage: [16, 32, 64] (a new array on each call).</summary>
        public static IReadOnlyList<int> StageChannels => [16, 32, 64];

        /// <summary>Blocks per stage: [2, 2, 2] (a new array on each call).</summary>
        public static IReadOnlyList<int> BlocksPerStage => [2, 2, 2];
    }

    /// <summary>Builds the network from the <see cref="NetworkPresets.ResNet"/> preset; convolutions He uniform, the classifier Glorot uniform, all from <paramref name="rng"/>.</summary>
    /// <param name="inputChannels">C</param>
    /// <param name="classCount">K</param>
    /// <param name="architecture">Stem, stages and block kind.</param>
    /// <param name="rng">Seeded generator for the weights.</param>
    /// <returns>(B, C, H, W) → (B, K) logits.</returns>
    public static Sequential Build(int inputChannels, int classCount, ResNetArchitecture architecture, Rng rng)
    {
        if (inputChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inputChannels), inputChannels, "Must be positive.");
        if (classCount <= 0) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "Must be positive.");
        architecture.Check();
        // No layer depends on H and W (global pooling before the classifier), so the smallest image (1×1) gives the same modules.
        return NetworkPresets.ResNet(classCount, architecture).Build([inputChannels, 1, 1], rng);
    }
}
