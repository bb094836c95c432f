using MlNetDeep.Engine.Models;
namespace MlNetDeep;

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
    internal void Check()
    {
        if (StemChannels <= 0) throw new ArgumentOutOfRangeException(nameof(StemChannels), StemChannels, "Must be positive.");
        if (GrowthRate <= 0) throw new ArgumentOutOfRangeException(nameof(GrowthRate), GrowthRate, "Must be positive.");
        if (LayersPerBlock.Count == 0 || LayersPerBlock.Any(l => l <= 0))
            throw new ArgumentOutOfRangeException(nameof(LayersPerBlock), "Needs at least one block, each with a positive layer count.");
        if (!(Compression > 0f && Compression <= 1f)) throw new ArgumentOutOfRangeException(nameof(Compression), Compression, "Must lie in (0, 1].");
    }
}
