using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;

namespace MlNetDeep.Trainers;

/// <summary>A padded mini-batch of sequence pairs in the layouts <see cref="Seq2Seq"/> reads.</summary>
/// <param name="Count">B</param>
/// <param name="Source">(B, S) source ids, right-padded with PAD.</param>
/// <param name="SourceLength">S</param>
/// <param name="SourceLengths">[B] valid source ids.</param>
/// <param name="DecoderInput">(B, T) [BOS, y₁ … y_{n−1}], right-padded.</param>
/// <param name="Steps">T, the longest target (with its EOS).</param>
/// <param name="TargetLengths">[B] valid decoder steps.</param>
/// <param name="Targets">(B·T) gold ids [y₁ … y_n = EOS] per row, −1 on padding (ignored by the loss).</param>
internal sealed record SequenceBatch(int Count, int[] Source, int SourceLength, int[] SourceLengths, int[] DecoderInput, int Steps,
    int[] TargetLengths, int[] Targets);

/// <summary>
/// Mini-batches of similar source lengths (less padding, so less work): each epoch the pairs are shuffled, cut into
/// pools of 50 batches, each pool is sorted by source length and cut into batches, and the batches are shuffled.
/// Deterministic for a given generator state.
/// </summary>
internal static class SequenceBatches
{
    private const int BatchesPerPool = 50;

    /// <summary>The epoch's batches (shuffled, bucketed), or the data in order when <paramref name="rng"/> is null.</summary>
    /// <param name="pairs">Training pairs.</param>
    /// <param name="batchSize">Pairs per batch.</param>
    /// <param name="rng">Shuffling generator, or null for the order of <paramref name="pairs"/>.</param>
    public static IEnumerable<SequenceBatch> Read(IReadOnlyList<SequencePair> pairs, int batchSize, Rng? rng)
    {
        var order = Enumerable.Range(0, pairs.Count).ToArray();
        if (rng is null)
        {
            for (int start = 0; start < order.Length; start += batchSize)
                yield return Pad(pairs, order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray());
            yield break;
        }
        rng.Shuffle<int>(order);
        var batches = new List<int[]>();
        int pool = batchSize * BatchesPerPool;
        for (int start = 0; start < order.Length; start += pool)
        {
            var chunk = order.Skip(start).Take(pool).OrderBy(i => pairs[i].Source.Length).ThenBy(i => i).ToArray();
            for (int b = 0; b < chunk.Length; b += batchSize) batches.Add(chunk.Skip(b).Take(batchSize).ToArray());
        }
        var shuffled = batches.ToArray();
        rng.Shuffle<int[]>(shuffled);
        foreach (var rows in shuffled) yield return Pad(pairs, rows);
    }

    /// <summary>Pads the pairs <paramref name="rows"/> into one batch.</summary>
    public static SequenceBatch Pad(IReadOnlyList<SequencePair> pairs, int[] rows)
    {
        int b = rows.Length, s = rows.Max(r => pairs[r].Source.Length), t = rows.Max(r => pairs[r].Target.Length);
        var source = Enumerable.Repeat(Seq2SeqTokens.Pad, b * s).ToArray();
        var input = Enumerable.Repeat(Seq2SeqTokens.Pad, b * t).ToArray();
        var targets = Enumerable.Repeat(-1, b * t).ToArray();
        var sourceLengths = new int[b];
        var targetLengths = new int[b];
        for (int i = 0; i < b; i++)
        {
            var pair = pairs[rows[i]];
            pair.Source.CopyTo(source, i * s);
            sourceLengths[i] = pair.Source.Length;
            targetLengths[i] = pair.Target.Length;
            input[i * t] = Seq2SeqTokens.Bos;
            for (int j = 0; j < pair.Target.Length; j++)
            {
                targets[i * t + j] = pair.Target[j];
                if (j + 1 < pair.Target.Length) input[i * t + j + 1] = pair.Target[j];
            }
        }
        return new SequenceBatch(b, source, s, sourceLengths, input, t, targetLengths, targets);
    }
}
