using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep;

/// <summary>Architecture of a <see cref="ResNet"/>; every default is in <see cref="ResNet.Defaults"/>. The defaults are the anchor's "resnet-small".</summary>
public sealed record ResNetArchitecture
{
    /// <summary>Maps w₀ of the stem convolution.</summary>
    /// <value>Default <see cref="ResNet.Defaults.StemChannels"/> (16).</value>
    public int StemChannels { get; init; } = ResNet.Defaults.StemChannels;

    /// <summary>Channels of each stage (basic: output width; bottleneck: bottleneck width), input side first.</summary>
    /// <value>Default <see cref="ResNet.Defaults.StageChannels"/> ([16, 32, 64]).</value>
    public IReadOnlyList<int> StageChannels { get; init; } = ResNet.Defaults.StageChannels;

    /// <summary>Blocks in each stage; same length as <see cref="StageChannels"/>.</summary>
    /// <value>Default <see cref="ResNet.Defaults.BlocksPerStage"/> ([2, 2, 2]).</value>
    public IReadOnlyList<int> BlocksPerStage { get; init; } = ResNet.Defaults.BlocksPerStage;

    /// <summary>Basic or bottleneck blocks.</summary>
    /// <value>Default <see cref="ResNetBlockKind.Basic"/>.</value>
    public ResNetBlockKind Block { get; init; } = ResNet.Defaults.Block;

    /// <summary>Expansion e of bottleneck blocks (ignored for basic blocks).</summary>
    /// <value>Default <see cref="ResNetBottleneckBlock.DefaultExpansion"/> (4).</value>
    public int BottleneckExpansion { get; init; } = ResNetBottleneckBlock.DefaultExpansion;

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A width or count is not positive, or the stage lists differ in length or are empty.</exception>
    internal void Check()
    {
        if (StemChannels <= 0) throw new ArgumentOutOfRangeException(nameof(StemChannels), StemChannels, "Must be positive.");
        if (StageChannels.Count == 0 || StageChannels.Any(c => c <= 0))
            throw new ArgumentOutOfRangeException(nameof(StageChannels), "Needs at least one stage, each with positive channels.");
        if (BlocksPerStage.Count != StageChannels.Count || BlocksPerStage.Any(b => b <= 0))
            throw new ArgumentOutOfRangeException(nameof(BlocksPerStage), $"Needs one positive block count per stage ({StageChannels.Count}).");
        if (!Enum.IsDefined(Block)) throw new ArgumentOutOfRangeException(nameof(Block), Block, "Unknown block kind.");
        if (BottleneckExpansion <= 0) throw new ArgumentOutOfRangeException(nameof(BottleneckExpansion), BottleneckExpansion, "Must be positive.");
    }
}
