using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models.Custom;

// The multi-layer blocks of the ResNet and DenseNet presets, and the pyramid pooling of the SmallCnn preset. Each wraps one engine module exactly; the parameter counts
// repeat the modules' layer arithmetic (convolutions without bias, BatchNorm γ and β) so a summary needs no module.

/// <summary>ResNet basic block (<see cref="ResNetBasicBlock"/>): (C, H, W) → (O, ⌊(H − 1)/s⌋ + 1, ⌊(W − 1)/s⌋ + 1).</summary>
internal sealed class ResidualBlockSpec(int channels, int stride) : LayerSpec
{
    public override string Name => $"ResidualBlock({channels}, stride {stride})";

    public override int[] OutputShape(int[] input)
    {
        RequireImage(input);
        // Both the 3×3 (padding 1) and the 1×1 projection (padding 0) with stride s give ⌊(H − 1)/s⌋ + 1.
        return [channels, (input[1] - 1) / stride + 1, (input[2] - 1) / stride + 1];
    }

    public override long Parameters(int[] input)
    {
        if (input.Length != 3) return 0;
        long c = input[0], o = channels;
        long branch = c * o * 9 + 2 * o + o * o * 9 + 2 * o;
        return branch + Projection(c, o, stride);
    }

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) => new ResNetBasicBlock(input[0], channels, stride, rng);

    /// <summary>conv1×1 (no bias) → BN on the shortcut when the block changes the shape, as <see cref="ResidualBlock"/> decides.</summary>
    internal static long Projection(long inChannels, long outChannels, int stride) =>
        stride != 1 || inChannels != outChannels ? inChannels * outChannels + 2 * outChannels : 0;
}

/// <summary>ResNet bottleneck block (<see cref="ResNetBottleneckBlock"/>): (C, H, W) → (M·e, ⌊(H − 1)/s⌋ + 1, ⌊(W − 1)/s⌋ + 1).</summary>
internal sealed class BottleneckBlockSpec(int channels, int stride, int expansion) : LayerSpec
{
    public override string Name => $"BottleneckBlock({channels}, stride {stride}, expansion {expansion})";

    public override int[] OutputShape(int[] input)
    {
        RequireImage(input);
        return [channels * expansion, (input[1] - 1) / stride + 1, (input[2] - 1) / stride + 1];
    }

    public override long Parameters(int[] input)
    {
        if (input.Length != 3) return 0;
        long c = input[0], m = channels, e = m * expansion;
        // 1×1 C → M, 3×3 M → M, 1×1 M → M·e, each followed by BatchNorm.
        long branch = c * m + 2 * m + m * m * 9 + 2 * m + m * e + 2 * e;
        return branch + ResidualBlockSpec.Projection(c, e, stride);
    }

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) =>
        new ResNetBottleneckBlock(input[0], channels, stride, rng, expansion);
}

/// <summary>DenseNet dense block (<see cref="Layers.DenseBlock"/>): (C, H, W) → (C + L·k, H, W).</summary>
internal sealed class DenseBlockSpec(int layers, int growthRate) : LayerSpec
{
    public override string Name => $"DenseBlock({layers} layers, growth {growthRate})";

    public override int[] OutputShape(int[] input)
    {
        RequireImage(input);
        return [input[0] + layers * growthRate, input[1], input[2]];
    }

    public override long Parameters(int[] input)
    {
        if (input.Length != 3) return 0;
        long total = 0;
        for (int l = 0; l < layers; l++)
        {
            long c = input[0] + (long)l * growthRate; // layer ℓ sees the input and the ℓ maps before it
            total += 2 * c + c * growthRate * 9;      // BN(c) → ReLU → conv3×3 c → k, no bias
        }
        return total;
    }

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) => new Layers.DenseBlock(input[0], layers, growthRate, rng);
}

/// <summary>DenseNet transition (<see cref="TransitionLayer"/>): (C, H, W) → (max(1, ⌊θ·C⌋), ⌊H/2⌋, ⌊W/2⌋).</summary>
internal sealed class TransitionSpec(float compression) : LayerSpec
{
    public override string Name => $"Transition(compression {compression})";

    public override int[] OutputShape(int[] input)
    {
        RequireImage(input);
        if (input[1] < 2 || input[2] < 2) throw new ShapeMismatch("an image of at least 2×2", ": it halves H and W; use fewer transitions or a larger image");
        return [Compressed(input[0]), input[1] / 2, input[2] / 2];
    }

    public override long Parameters(int[] input) => input.Length == 3 ? 2L * input[0] + (long)input[0] * Compressed(input[0]) : 0;

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) => new TransitionLayer(input[0], Compressed(input[0]), rng);

    // The same float arithmetic as DenseNet always used, so the preset keeps its channel counts.
    private int Compressed(int channels) => Math.Max(1, (int)MathF.Floor(compression * channels));
}

/// <summary>Spatial pyramid pooling (<see cref="SpatialPyramidPool"/>, max): (C, H, W) → (C·Σn²) for any H, W.</summary>
internal sealed class SpatialPyramidPoolSpec(int[] levels) : LayerSpec
{
    private readonly int[] _levels = [.. levels];

    public override string Name => $"SpatialPyramidPool({string.Join(", ", _levels)})";

    public override int[] OutputShape(int[] input)
    {
        RequireImage(input);
        return [input[0] * _levels.Sum(n => n * n)];
    }

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) => new SpatialPyramidPool(_levels);
}
