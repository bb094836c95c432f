using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models.Custom;

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
    /// <summary>Builds the network from the <see cref="NetworkPresets.TextCnn"/> preset (weights from <paramref name="rng"/>, in
    /// forward order), with word dropout first when <see cref="TextCnnSpec.TokenDropoutRate"/> is positive.</summary>
    /// <param name="a">Architecture.</param>
    /// <param name="rng">Seeded generator for the weights and the dropout masks.</param>
    /// <returns>(B, T) float-encoded ids → (B, K) logits.</returns>
    public static Sequential Build(TextCnnSpec a, Rng rng)
    {
        if (a.KernelSizes.Count == 0) throw new ArgumentException("TextCNN needs at least one kernel size.", nameof(a));
        if (a.KernelSizes.Max() > a.Length)
            throw new ArgumentException($"The widest kernel ({a.KernelSizes.Max()}) exceeds the sequence length {a.Length}.", nameof(a));
        var network = NetworkPresets.TextCnn(a).Build([a.Length], rng, new TokenInput(a.VocabularySize, a.PadId, a.EmbeddingInitStd));
        return TokenDropout.Before(network, a.TokenDropoutRate, a.UnknownId, a.PadId, rng);
    }
}
