namespace MlNetDeep;

/// <summary>
/// Quality of predicted texts against reference texts (<c>mlContext.DeepLearning().SequenceToSequence.Evaluate</c>),
/// compared token by token (characters or words). A row may have several references (a Vector&lt;String&gt; label):
/// a prediction is then right when it matches any of them, and its token errors count against the closest one.
/// </summary>
public sealed class SequenceToSequenceMetrics
{
    internal SequenceToSequenceMetrics(long rows, double sequenceErrorRate, double tokenErrorRate, double bleu4)
    {
        Rows = rows;
        SequenceErrorRate = sequenceErrorRate;
        TokenErrorRate = tokenErrorRate;
        Bleu4 = bleu4;
    }

    /// <summary>Rows evaluated.</summary>
    public long Rows { get; }

    /// <summary>
    /// Fraction of rows whose prediction equals none of their references, in [0, 1] ("word error rate" in
    /// grapheme-to-phoneme work, where a row is a word; "sentence error rate" elsewhere).
    /// </summary>
    public double SequenceErrorRate { get; }

    /// <summary>
    /// Σ edit distance (insertions, deletions, substitutions of tokens) to the closest reference ÷ Σ tokens of that
    /// reference ("phoneme error rate" for phonemes, "character error rate" for characters); may exceed 1.
    /// </summary>
    public double TokenErrorRate { get; }

    /// <summary>
    /// Corpus BLEU-4 in [0, 1] (Papineni et al. 2002): the geometric mean of the clipped 1- to 4-gram precisions over all
    /// rows, times the brevity penalty against the closest reference lengths; no smoothing, so 0 when some n-gram order
    /// has no match.
    /// </summary>
    public double Bleu4 { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        FormattableString.Invariant($"rows {Rows}, sequence error rate {SequenceErrorRate:P2}, token error rate {TokenErrorRate:P2}, BLEU-4 {Bleu4:F4}");
}
