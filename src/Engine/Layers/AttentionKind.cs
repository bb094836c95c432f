namespace MlNetDeep;

/// <summary>
/// How a sequence-to-sequence decoder scores each source position against its current state h (size Hd) to attend
/// over the encoder outputs e_s (size He). The scores go through a softmax over the source (padding masked).
/// </summary>
public enum AttentionKind
{
    /// <summary>Luong "dot": score = h · e_s (needs Hd = He).</summary>
    Dot,

    /// <summary>Luong "general": score = (W h) · e_s, W (He, Hd) learned.</summary>
    General,

    /// <summary>Bahdanau "additive" (concat): score = v · tanh(W_k e_s + b + W_q h), W_k (A, He), W_q (A, Hd), v (A) learned.</summary>
    Additive,
}
