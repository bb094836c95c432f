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

    /// <summary>Builds the network; convolutions He uniform, the classifier Glorot uniform, all from <paramref name="rng"/>.</summary>
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
        int width = architecture.StemChannels;
        var modules = new List<Module>
        {
            new Conv2d(inputChannels, width, 3, rng, padding: 1, bias: false), new BatchNorm(width), new Activation(ActivationKind.Relu),
        };
        for (int s = 0; s < architecture.StageChannels.Count; s++)
        {
            int channels = architecture.StageChannels[s];
            for (int b = 0; b < architecture.BlocksPerStage[s]; b++)
            {
                int stride = s > 0 && b == 0 ? 2 : 1;
                if (architecture.Block == ResNetBlockKind.Basic)
                {
                    modules.Add(new ResNetBasicBlock(width, channels, stride, rng));
                    width = channels;
                }
                else
                {
                    var block = new ResNetBottleneckBlock(width, channels, stride, rng, architecture.BottleneckExpansion);
                    modules.Add(block);
                    width = block.OutChannels;
                }
            }
        }
        modules.Add(new GlobalAvgPool());
        modules.Add(new Linear(width, classCount, rng, WeightInit.GlorotUniform));
        return new Sequential([.. modules]);
    }
}
