namespace MlNetDeep.Engine.Models;

/// <summary>Decoding settings shared by the engine's decoder and the ONNX export (both follow these exactly).</summary>
/// <param name="BeamSize">K ≥ 1; K = 1 is greedy decoding.</param>
/// <param name="NBest">Hypotheses returned per source, 1 ≤ n ≤ K.</param>
/// <param name="MaxLength">Most generated tokens per output, EOS included (≥ 1); the step that reaches it may only emit EOS.</param>
/// <param name="MaxLengthRatio">When set, the limit per source is also at most ⌈ratio · source tokens⌉ (the appended EOS not
/// counted), and at least 1.</param>
/// <param name="MinLength">Fewest tokens before EOS (EOS is forbidden earlier); must be below the maximum.</param>
/// <param name="LengthPenalty">Final-selection normalisation.</param>
/// <param name="Alpha">α of <see cref="LengthPenaltyKind.Gnmt"/>.</param>
/// <param name="NoRepeatNgramSize">n ≥ 2 forbids a token that would repeat an n-gram already in the hypothesis; 0 is off.</param>
internal sealed record BeamSearchSettings(int BeamSize = 1, int NBest = 1, int MaxLength = 50, float? MaxLengthRatio = null,
    int MinLength = 0, LengthPenaltyKind LengthPenalty = LengthPenaltyKind.Average, float Alpha = 0.6f, int NoRepeatNgramSize = 0)
{
    /// <summary>Throws an exception naming the setting that is out of range.</summary>
    /// <param name="targetVocabularySize">V: the beam cannot be wider than the vocabulary.</param>
    public void Check(int targetVocabularySize)
    {
        if (BeamSize < 1 || BeamSize > targetVocabularySize)
            throw new ArgumentOutOfRangeException(nameof(BeamSize), BeamSize, $"Must lie in [1, {targetVocabularySize}] (the target vocabulary size).");
        if (NBest < 1 || NBest > BeamSize) throw new ArgumentOutOfRangeException(nameof(NBest), NBest, $"Must lie in [1, BeamSize = {BeamSize}].");
        if (MaxLength < 1) throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "Must be at least 1.");
        if (MaxLengthRatio is float r && !(r > 0f && float.IsFinite(r))) throw new ArgumentOutOfRangeException(nameof(MaxLengthRatio), r, "Must be positive.");
        if (MinLength < 0 || MinLength >= MaxLength) throw new ArgumentOutOfRangeException(nameof(MinLength), MinLength, $"Must lie in [0, MaxLength = {MaxLength}).");
        if (!(Alpha >= 0f && float.IsFinite(Alpha))) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "Must be 0 or positive.");
        if (NoRepeatNgramSize is < 0 or 1) throw new ArgumentOutOfRangeException(nameof(NoRepeatNgramSize), NoRepeatNgramSize, "Must be 0 (off) or at least 2.");
    }

    /// <summary>The output limit for a source of <paramref name="sourceTokens"/> tokens (without its EOS).</summary>
    /// <param name="sourceTokens">Source tokens.</param>
    public int MaxLengthFor(int sourceTokens) =>
        MaxLengthRatio is float r ? Math.Clamp((int)MathF.Ceiling(r * sourceTokens), 1, MaxLength) : MaxLength;

    /// <summary>Normalised score of a hypothesis with total log-probability <paramref name="score"/> and <paramref name="length"/> tokens.</summary>
    /// <param name="score">Σ log p.</param>
    /// <param name="length">Generated tokens, EOS included.</param>
    public float Normalise(float score, float length) => LengthPenalty switch
    {
        LengthPenaltyKind.None => score,
        LengthPenaltyKind.Average => score / length,
        _ => score / MathF.Pow((5f + length) / 6f, Alpha),
    };
}
