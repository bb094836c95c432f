using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models;

/// <summary>
/// TextCNN: [TokenDropout] → Embedding (B, T) → (B, T, E) → Permute (B, E, T) → per kernel width k: Conv1d(E → F, k) → ReLU → max over
/// time (B, F) → concat (B, F·n) → Dropout → Linear → (B, K) logits. The anchor benchmark's "textcnn" is
/// (5000, 100 tokens, E 64, widths 3/4/5, 64 filters, dropout 0.5, 2 classes). Each branch is built as Conv1d → max over
/// time → ReLU: ReLU is monotonic, so it commutes with the max and gives exactly the same values and gradients while
/// touching F values per text instead of F·T; and Conv1d → max over time runs as one op whose backward only visits each
/// filter's arg-max position (<see cref="Ops.Conv1dMaxOverTime"/>).
/// </summary>
internal static class TextCnn
{
    /// <summary>Builds the network from <paramref name="rng"/>.</summary>
    /// <param name="a">Architecture.</param>
    /// <param name="rng">Seeded generator.</param>
    public static Sequential Build(TextCnnSpec a, Rng rng)
    {
        if (a.KernelSizes.Count == 0) throw new ArgumentException("TextCNN needs at least one kernel size.", nameof(a));
        if (a.KernelSizes.Max() > a.Length)
            throw new ArgumentException($"The widest kernel ({a.KernelSizes.Max()}) exceeds the sequence length {a.Length}.", nameof(a));
        var modules = new List<Module>();
        if (a.TokenDropoutRate > 0) modules.Add(new TokenDropout(a.TokenDropoutRate, a.UnknownId, a.PadId, rng));
        // Weights drawn in forward order (embedding, then the convolutions), as every other builder draws them.
        modules.Add(new Embedding(a.VocabularySize, a.EmbeddingSize, rng, a.PadId, a.EmbeddingInitStd));
        modules.Add(new Permute(0, 2, 1));
        var branches = a.KernelSizes
            .Select(k => (Module)new Sequential(new Conv1d(a.EmbeddingSize, a.FiltersPerKernel, k, rng), new GlobalMaxPool(), new Activation(ActivationKind.Relu)))
            .ToArray();
        modules.Add(new ParallelConcat(branches));
        if (a.DropoutRate > 0) modules.Add(new Dropout(a.DropoutRate, rng));
        modules.Add(new Linear(a.FiltersPerKernel * a.KernelSizes.Count, a.Outputs, rng));
        return new Sequential(modules.ToArray());
    }
}
