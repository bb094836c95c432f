using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models;

/// <summary>Architecture of a <see cref="DenseNet"/>; every default is in <see cref="DenseNet.Defaults"/>.</summary>
public sealed record DenseNetArchitecture
{
    /// <summary>Maps of the stem convolution (the paper uses 2k for DenseNet-BC).</summary>
    /// <value>Default <see cref="DenseNet.Defaults.StemChannels"/> (24).</value>
    public int StemChannels { get; init; } = DenseNet.Defaults.StemChannels;

    /// <summary>Growth rate k: maps added by every dense layer.</summary>
    /// <value>Default <see cref="DenseNet.Defaults.GrowthRate"/> (12).</value>
    public int GrowthRate { get; init; } = DenseNet.Defaults.GrowthRate;

    /// <summary>Dense layers in each block, input side first; a transition layer follows every block but the last.</summary>
    /// <value>Default <see cref="DenseNet.Defaults.LayersPerBlock"/> ([4, 4, 4]).</value>
    public IReadOnlyList<int> LayersPerBlock { get; init; } = DenseNet.Defaults.LayersPerBlock;

    /// <summary>Compression θ of the transition layers: C channels become max(1, ⌊θ·C⌋).</summary>
    /// <value>Default <see cref="DenseNet.Defaults.Compression"/> (0.5).</value>
    public float Compression { get; init; } = DenseNet.Defaults.Compression;

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, there are no blocks, or θ is outside (0, 1].</exception>
    public void Check()
    {
        if (StemChannels <= 0) throw new ArgumentOutOfRangeException(nameof(StemChannels), StemChannels, "Must be positive.");
        if (GrowthRate <= 0) throw new ArgumentOutOfRangeException(nameof(GrowthRate), GrowthRate, "Must be positive.");
        if (LayersPerBlock.Count == 0 || LayersPerBlock.Any(l => l <= 0))
            throw new ArgumentOutOfRangeException(nameof(LayersPerBlock), "Needs at least one block, each with a positive layer count.");
        if (!(Compression > 0f && Compression <= 1f)) throw new ArgumentOutOfRangeException(nameof(Compression), Compression, "Must lie in (0, 1].");
    }
}

/// <summary>
/// Builds a densely connected network for small images (Huang et al. 2017, CIFAR style without 1×1 bottlenecks),
/// (B, C, H, W) → (B, K) logits: stem conv3×3(C → c₀, padding 1, no bias); dense blocks (<see cref="DenseBlock"/>) with a
/// <see cref="TransitionLayer"/> (compression θ, halving H and W) between consecutive blocks; BN → ReLU → GlobalAvgPool → Linear(K).
/// </summary>
/// <remarks>
/// Channels: block b adds L_b·k; a transition maps C to max(1, ⌊θ·C⌋). Any input with H, W ≥ 2^(blocks − 1) works.
/// Exportable to ONNX: yes.
/// </remarks>
public static class DenseNet
{
    /// <summary>Default settings of <see cref="DenseNetArchitecture"/>.</summary>
    public static class Defaults
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

    /// <summary>Builds the network; convolutions He uniform, the classifier Glorot uniform, all from <paramref name="rng"/>.</summary>
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
        int width = architecture.StemChannels;
        var modules = new List<Module> { new Conv2d(inputChannels, width, 3, rng, padding: 1, bias: false) };
        for (int b = 0; b < architecture.LayersPerBlock.Count; b++)
        {
            var block = new DenseBlock(width, architecture.LayersPerBlock[b], architecture.GrowthRate, rng);
            modules.Add(block);
            width = block.OutChannels;
            if (b + 1 < architecture.LayersPerBlock.Count)
            {
                int compressed = Math.Max(1, (int)MathF.Floor(architecture.Compression * width));
                modules.Add(new TransitionLayer(width, compressed, rng));
                width = compressed;
            }
        }
        modules.Add(new BatchNorm(width));
        modules.Add(new Activation(ActivationKind.Relu));
        modules.Add(new GlobalAvgPool());
        modules.Add(new Linear(width, classCount, rng, WeightInit.GlorotUniform));
        return new Sequential([.. modules]);
    }
}
