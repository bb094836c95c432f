namespace MlNetDeep;

/// <summary>
/// Accumulates the sequence-to-sequence metrics row by row (<see cref="SequenceToSequenceMetrics"/>): exact matches, edit
/// distances and BLEU-4's clipped n-gram counts. Tokens are strings; a row has one or more references.
/// </summary>
internal sealed class SequenceScores
{
    private const int MaxOrder = 4;
    private readonly long[] _matches = new long[MaxOrder];
    private readonly long[] _candidates = new long[MaxOrder];
    private long _rows, _wrong, _edits, _referenceTokens, _bleuReferenceLength, _predictedLength;

    /// <summary>Adds one row.</summary>
    /// <param name="predicted">Predicted tokens.</param>
    /// <param name="references">At least one reference.</param>
    public void Add(IReadOnlyList<string> predicted, IReadOnlyList<IReadOnlyList<string>> references)
    {
        if (references.Count == 0) throw new ArgumentException("A row needs at least one reference.", nameof(references));
        _rows++;
        if (!references.Any(r => r.SequenceEqual(predicted))) _wrong++;

        // Closest reference: fewest edits, then the shorter.
        var closest = references.Select(r => (Edits: EditDistance(predicted, r), Reference: r))
            .OrderBy(x => x.Edits).ThenBy(x => x.Reference.Count).First();
        _edits += closest.Edits;
        _referenceTokens += closest.Reference.Count;

        _predictedLength += predicted.Count;
        _bleuReferenceLength += references.Select(r => r.Count).OrderBy(n => Math.Abs(n - predicted.Count)).ThenBy(n => n).First();
        for (int n = 1; n <= MaxOrder; n++)
        {
            var counts = NGrams(predicted, n);
            var maxReference = new Dictionary<string, int>();
            foreach (var reference in references)
                foreach (var (gram, count) in NGrams(reference, n))
                    maxReference[gram] = Math.Max(maxReference.GetValueOrDefault(gram), count);
            foreach (var (gram, count) in counts)
            {
                _candidates[n - 1] += count;
                _matches[n - 1] += Math.Min(count, maxReference.GetValueOrDefault(gram));
            }
        }
    }

    /// <summary>The metrics of the rows added so far.</summary>
    public SequenceToSequenceMetrics Result()
    {
        if (_rows == 0) throw new InvalidOperationException("There are no rows to evaluate.");
        return new SequenceToSequenceMetrics(_rows, (double)_wrong / _rows,
            _referenceTokens == 0 ? (_edits == 0 ? 0 : double.PositiveInfinity) : (double)_edits / _referenceTokens, Bleu());
    }

    private double Bleu()
    {
        double logPrecision = 0;
        for (int n = 0; n < MaxOrder; n++)
        {
            if (_matches[n] == 0) return 0;
            logPrecision += Math.Log((double)_matches[n] / _candidates[n]) / MaxOrder;
        }
        double brevity = _predictedLength >= _bleuReferenceLength ? 1 : Math.Exp(1 - (double)_bleuReferenceLength / _predictedLength);
        return brevity * Math.Exp(logPrecision);
    }

    /// <summary>Levenshtein distance between token sequences (unit costs), in O(|a|·|b|) time and O(|b|) memory.</summary>
    internal static int EditDistance(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (int j = 0; j <= b.Count; j++) previous[j] = j;
        for (int i = 1; i <= a.Count; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Count; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }

    /// <summary>Counts of the n-grams of <paramref name="tokens"/>, each keyed by its tokens joined with U+0001 (no token holds it).</summary>
    private static Dictionary<string, int> NGrams(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>();
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            string gram = string.Join('\u0001', Enumerable.Range(i, n).Select(j => tokens[j]));
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }
        return counts;
    }
}
