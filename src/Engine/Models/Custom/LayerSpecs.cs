using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models.Custom;

/// <summary>A layer of a <see cref="NetworkDefinition"/>: its name, its shape rule, its parameter count and how it is built.</summary>
internal abstract class LayerSpec
{
    /// <summary>Shown in summaries and errors, e.g. "Dense(128)".</summary>
    public abstract string Name { get; }

    /// <summary>Output shape per example; <see cref="ShapeMismatch"/> when <paramref name="input"/> does not fit.</summary>
    public abstract int[] OutputShape(int[] input);

    /// <summary>Trainable parameters for <paramref name="input"/> (0 when the shape does not fit).</summary>
    public virtual long Parameters(int[] input) => 0;

    /// <summary>
    /// The layout a sequence input must arrive in; the layer writes a sequence output in the same layout (<see cref="SequenceLayout.Any"/>:
    /// in the one it got). <see cref="NetworkDefinition"/> inserts a Permute only where the layout changes.
    /// </summary>
    public virtual SequenceLayout Reads => SequenceLayout.TimeFirst;

    /// <summary>The engine module for <paramref name="input"/>; <paramref name="following"/> are the layers after it (weight initialisation looks ahead).</summary>
    public abstract Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following);

    /// <summary>The input must be an image (C, H, W).</summary>
    protected static void RequireImage(int[] input)
    {
        if (input.Length != 3) throw new ShapeMismatch("an image (C, H, W)", input.Length switch
        {
            1 => ": it works on images; use Dense for vectors",
            2 => ": it works on images; use Conv1d, MaxPool1d or GlobalMaxPool1d for sequences (T, F)",
            _ => "",
        });
    }

    /// <summary>The input must be a sequence (T, F): time steps, then features per step.</summary>
    protected static void RequireSequence(int[] input)
    {
        if (input.Length != 2) throw new ShapeMismatch("a sequence (T, F)", input.Length == 1
            ? ": token ids need Embedding first; a vector has no time axis"
            : ": it works on sequences; use the 2-D layers for images");
    }
}

/// <summary>How the engine holds a sequence (T, F) of a batch: the builder's shapes are always (T, F) per example.</summary>
internal enum SequenceLayout
{
    /// <summary>Either layout: element-wise layers.</summary>
    Any,

    /// <summary>(B, T, F): embeddings, recurrent layers, Flatten, Dropout.</summary>
    TimeFirst,

    /// <summary>(B, F, T): the engine's 1-D convolution and pooling layers.</summary>
    ChannelsFirst,
}

/// <summary>Thrown by a shape rule: what the layer expects, and a hint to fix it; or, for a composite layer, the whole reason.</summary>
internal sealed class ShapeMismatch(string expected, string hint = "") : Exception(expected)
{
    public string Expected { get; } = expected;

    public string Hint { get; } = hint;

    /// <summary>The complete reason, used instead of "expects … but gets …" (a branch's own error).</summary>
    public string? Whole { get; init; }
}

internal sealed class DenseSpec(int units, bool bias = true) : LayerSpec
{
    public override string Name => bias ? $"Dense({units})" : $"Dense({units}, no bias)";

    public override int[] OutputShape(int[] input) => input.Length == 1 ? [units]
        : throw new ShapeMismatch("a vector (F)", input.Length == 2
            ? ": add a recurrent layer without returnSequences, GlobalMaxPool1d() or Flatten() before it"
            : ": add Flatten() or GlobalAveragePool() before it");

    public override long Parameters(int[] input) => input.Length == 1 ? (long)input[0] * units + (bias ? units : 0) : 0;

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following)
    {
        // He-uniform when a ReLU-family activation follows (possibly after BatchNorm), as in the built-in MLP.
        var next = following.SkipWhile(l => l is BatchNormSpec).FirstOrDefault();
        var init = next is ActivationSpec { Kind: ActivationKind.Relu or ActivationKind.LeakyRelu } ? WeightInit.HeUniform : WeightInit.GlorotUniform;
        return new Linear(input[0], units, rng, init, bias);
    }
}

internal sealed class Conv2dSpec(int channels, int kernel, int stride, int padding, bool bias = true) : LayerSpec
{
    public override string Name => $"Conv2d({channels}, {kernel}×{kernel}, stride {stride}, padding {padding}{(bias ? "" : ", no bias")})";

    public override int[] OutputShape(int[] input)
    {
        RequireImage(input);
        int h = (input[1] + 2 * padding - kernel) / stride + 1, w = (input[2] + 2 * padding - kernel) / stride + 1;
        if (input[1] + 2 * padding < kernel || input[2] + 2 * padding < kernel)
            throw new ShapeMismatch($"an image of at least {kernel}×{kernel} (with padding {padding})", ": lower the kernel size or pool less before it");
        return [channels, h, w];
    }

    public override long Parameters(int[] input) => input.Length == 3 ? (long)input[0] * channels * kernel * kernel + (bias ? channels : 0) : 0;

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) =>
        new Layers.Conv2d(input[0], channels, kernel, rng, stride: stride, padding: padding, bias: bias);
}

internal sealed class Pool2dSpec(bool max, int size, int stride) : LayerSpec
{
    public override string Name => $"{(max ? "MaxPool2d" : "AvgPool2d")}({size}×{size}, stride {stride})";

    public override int[] OutputShape(int[] input)
    {
        RequireImage(input);
        if (input[1] < size || input[2] < size) throw new ShapeMismatch($"an image of at least {size}×{size}", ": pool less or remove a pooling layer");
        return [input[0], (input[1] - size) / stride + 1, (input[2] - size) / stride + 1];
    }

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) =>
        max ? new MaxPool2d(size, stride) : new AvgPool2d(size, stride);
}

internal sealed class ShapeSpec(ShapeSpec.Kind kind) : LayerSpec
{
    public enum Kind { Flatten, GlobalAveragePool }

    public override string Name => kind == Kind.Flatten ? "Flatten" : "GlobalAveragePool";

    public override int[] OutputShape(int[] input)
    {
        if (kind == Kind.Flatten) return [input.Aggregate(1, (a, d) => a * d)];
        RequireImage(input);
        return [input[0]];
    }

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) =>
        kind == Kind.Flatten ? new Layers.Flatten() : new GlobalAvgPool();
}

internal sealed class BatchNormSpec : LayerSpec
{
    public override string Name => "BatchNorm";

    // The engine's BatchNorm normalises axis 1 of (B, F) or (B, C, H, W); on (B, T, F) that would be time, not features.
    public override int[] OutputShape(int[] input) => input.Length != 2 ? input
        : throw new ShapeMismatch("a vector (F) or an image (C, H, W)", ": batch normalisation of sequences is not supported");

    public override long Parameters(int[] input) => input.Length != 2 ? 2L * input[0] : 0;

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) => new BatchNorm(input[0]);
}

internal sealed class ActivationSpec(ActivationKind kind, float alpha = Activation.DefaultLeakyReluAlpha) : LayerSpec
{
    public ActivationKind Kind => kind;

    public override string Name => kind == ActivationKind.LeakyRelu ? $"LeakyRelu({alpha})" : kind.ToString();

    public override int[] OutputShape(int[] input) => input;

    // Element-wise and deterministic: the same values in either layout, so a run of 1-D layers stays channels-first through it.
    public override SequenceLayout Reads => SequenceLayout.Any;

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) => new Activation(kind, alpha);
}

// Reads time-first (the default) although element-wise: its masks are drawn in memory order, so another layout would drop
// other elements than the network always dropped for a seed.
internal sealed class DropoutSpec(float rate) : LayerSpec
{
    public override string Name => $"Dropout({rate})";

    public override int[] OutputShape(int[] input) => input;

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) => new Layers.Dropout(rate, rng); // element-wise, as Keras' Dropout
}
