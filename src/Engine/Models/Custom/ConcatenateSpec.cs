using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models.Custom;

/// <summary>Parallel branches on the same input, outputs concatenated on the first axis (engine: <see cref="ParallelConcat"/>).</summary>
internal sealed class ConcatenateSpec(NetworkDefinition[] branches) : LayerSpec
{
    public override string Name => $"Concatenate({string.Join(" | ", branches.Select(b => b.ToString()))})";

    public override int[] OutputShape(int[] input)
    {
        var outputs = new int[branches.Length][];
        for (int b = 0; b < branches.Length; b++)
        {
            try { outputs[b] = [.. branches[b].Summarize(input).Layers[^1].OutputShape]; }
            catch (ArgumentException ex) { throw new ShapeMismatch("") { Whole = $"in branch {b + 1}, {char.ToLowerInvariant(ex.Message[0])}{ex.Message[1..]}" }; }
        }
        // The engine joins on axis 1 of (B, …): features of vectors, channels of images, but time of (B, T, F) sequences.
        for (int b = 0; b < branches.Length; b++)
            if (outputs[b].Length == 2)
                throw new ShapeMismatch("") { Whole = $"branch {b + 1} gives the sequence {NetworkDefinition.ShapeText(outputs[b])}; Concatenate joins vectors or images: end each branch with GlobalMaxPool1d(), GlobalAveragePool1d() or a recurrent layer without returnSequences." };
        for (int b = 1; b < branches.Length; b++)
            if (outputs[b].Length != outputs[0].Length || !outputs[b].AsSpan(1).SequenceEqual(outputs[0].AsSpan(1)))
                throw new ShapeMismatch("") { Whole = $"branch 1 gives {NetworkDefinition.ShapeText(outputs[0])} and branch {b + 1} {NetworkDefinition.ShapeText(outputs[b])}; they must agree on every axis but the first (channels or features)." };
        return [outputs.Sum(o => o[0]), .. outputs[0].Skip(1)];
    }

    public override long Parameters(int[] input) => branches.Sum(b => b.Summarize(input).TotalParameters);

    /// <summary>The layout every branch reads first, when they agree (TextCNN's convolutions: one Permute before the
    /// branches instead of one in each); otherwise <see cref="SequenceLayout.Any"/>, each branch permuting what it needs.</summary>
    public override SequenceLayout Reads =>
        branches.Select(b => b.FirstRead).Distinct().ToArray() is [var common] ? common : SequenceLayout.Any;

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) => Build(input, SequenceLayout.TimeFirst, rng);

    /// <summary>The branches, each given a sequence <paramref name="input"/> in <paramref name="layout"/>.</summary>
    public ParallelConcat Build(int[] input, SequenceLayout layout, Rng rng) =>
        new([.. branches.Select(b => (Module)b.Build(input, layout, rng))]);
}
