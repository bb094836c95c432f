using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models;

/// <summary>One decoded output.</summary>
/// <param name="Tokens">Target ids without BOS and EOS.</param>
/// <param name="Score">Length-normalised log-probability (<see cref="BeamSearchSettings.Normalise"/>).</param>
/// <param name="Attention">(steps, S) attention weights of each generated token, EOS included (row-major; S = the longest source of the batch with its EOS, weights 0 past this source's end).</param>
internal sealed record Hypothesis(int[] Tokens, float Score, float[] Attention);

/// <summary>
/// Greedy and beam-search decoding with the engine, following exactly the algorithm of the ONNX export
/// (../shared/DESIGN.md §8), so both give identical tokens:
/// B = N·K rows (row n·K + k is beam k of source n); scores start at [0, −∞, …] so the first step has one live beam;
/// per step, log softmax of the logits; PAD and BOS are never output; a finished beam may only extend with EOS at cost 0; EOS is forbidden before
/// MinLength and is the only choice at the source's maximum length; with NoRepeatNgramSize n, a token completing an
/// n-gram already in the hypothesis is forbidden; candidates sc[n,k] + logp[n·K+k, v] are ranked over k·V + v with ties
/// to the lower index (ONNX TopK); the loop stops when every beam has finished. Final selection by the normalised score.
/// </summary>
internal static class Seq2SeqDecoder
{
    /// <summary>Plain greedy decoding (arg-max per step over every token but PAD and BOS), independent of the beam code; K = 1 beam search must equal it.</summary>
    /// <param name="model">Network (switched to inference here).</param>
    /// <param name="source">Source ids of one sequence, ending with EOS.</param>
    /// <param name="maxLength">Most tokens generated, EOS included.</param>
    public static int[] Greedy(Seq2Seq model, int[] source, int maxLength)
    {
        model.SetTraining(false);
        var tape = new Tape { IsRecording = false };
        var encoded = model.Encode(tape, source, 1, source.Length, [source.Length]);
        var state = encoded.Initial;
        var output = new List<int>();
        int token = Seq2SeqTokens.Bos;
        for (int t = 0; t < maxLength; t++)
        {
            var step = model.Step(tape, encoded, state, [token]);
            state = step.State;
            var logits = step.Logits.Span.ToArray();
            logits[Seq2SeqTokens.Pad] = logits[Seq2SeqTokens.Bos] = float.NegativeInfinity; // never an output token
            token = t == maxLength - 1 ? Seq2SeqTokens.Eos : Seq2Seq.ArgMax(logits);
            if (token == Seq2SeqTokens.Eos) break;
            output.Add(token);
        }
        tape.Reset();
        return output.ToArray();
    }

    /// <summary>Beam search over a batch of sources.</summary>
    /// <param name="model">Network (switched to inference here).</param>
    /// <param name="sources">Source ids per sequence, each ending with EOS.</param>
    /// <param name="settings">Beam size, n-best, limits, penalties; checked here.</param>
    /// <returns>Per source, the n best hypotheses, best first.</returns>
    public static Hypothesis[][] BeamSearch(Seq2Seq model, IReadOnlyList<int[]> sources, BeamSearchSettings settings)
    {
        int vocab = model.Spec.TargetVocabularySize;
        settings.Check(vocab);
        model.SetTraining(false);
        int n = sources.Count, k = settings.BeamSize, rows = n * k;
        if (n == 0) return [];
        int s = sources.Max(x => x.Length);
        foreach (var src in sources)
            if (src.Length == 0 || src[^1] != Seq2SeqTokens.Eos) throw new ArgumentException("Every source must end with EOS (an empty text is [EOS]).", nameof(sources));

        // Each source is encoded once; its K beam rows (row n·K + k) read that encoding through a row map.
        var ids = Enumerable.Repeat(Seq2SeqTokens.Pad, n * s).ToArray();
        var sourceLengths = new int[n];
        var maxLengths = new int[n];
        for (int i = 0; i < n; i++)
        {
            sources[i].CopyTo(ids, i * s);
            sourceLengths[i] = sources[i].Length;
            maxLengths[i] = settings.MaxLengthFor(sources[i].Length - 1);
        }
        var tape = new Tape { IsRecording = false };
        var perSource = model.Encode(tape, ids, n, s, sourceLengths);
        var repeat = Enumerable.Range(0, rows).Select(r => r / k).ToArray();
        var encoded = new EncodedSource(new AttentionSource(GatherRows(tape, perSource.Attention.Keys, repeat, 0),
                GatherRows(tape, perSource.Attention.Values, repeat, 0), repeat.Select(i => sourceLengths[i]).ToArray()),
            ReorderState(tape, perSource.Initial, repeat), rows);
        var state = encoded.Initial;

        var scores = new float[rows];
        for (int r = 0; r < rows; r++) scores[r] = r % k == 0 ? 0f : float.NegativeInfinity; // one live beam at the first step
        var tokens = Enumerable.Repeat(Seq2SeqTokens.Bos, rows).ToArray();
        var finished = new bool[rows];
        var generated = new float[rows];
        var history = Enumerable.Range(0, rows).Select(_ => new List<int>()).ToArray();
        var attention = Enumerable.Range(0, rows).Select(_ => new List<float[]>()).ToArray();
        var logp = new float[vocab];
        var candidates = new float[k * vocab];
        int steps = maxLengths.Max();
        // Step t's tensors live on stepTapes[t % 2]: step t + 1 reads only its reordered state, so the tape of step t − 1
        // is recycled before step t + 1 and a decode holds two steps' buffers instead of all of them (bench seq2seq-decode:
        // peak working set 454 → 165 MiB).
        Tape[] stepTapes = [new() { IsRecording = false }, new() { IsRecording = false }];

        for (int t = 0; t < steps && finished.Contains(false); t++)
        {
            var stepTape = stepTapes[t % 2];
            stepTape.Reset();
            var step = model.Step(stepTape, encoded, state, tokens);
            var order = new int[rows];
            var nextTokens = new int[rows];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < k; j++)
                {
                    int row = i * k + j;
                    StepLogProbabilities(step.Logits.Span.Slice(row * vocab, vocab), logp, finished[row], t, maxLengths[i], history[row], settings);
                    for (int v = 0; v < vocab; v++) candidates[j * vocab + v] = scores[row] + logp[v];
                }
                var top = TopK(candidates, k);
                for (int j = 0; j < k; j++)
                {
                    order[i * k + j] = i * k + top[j] / vocab;
                    nextTokens[i * k + j] = top[j] % vocab;
                    scores[i * k + j] = candidates[top[j]];
                }
            }
            // Reorder the beams' state and history by their parent rows, then append the chosen tokens.
            var parentFinished = order.Select(r => finished[r]).ToArray();
            finished = parentFinished.Select((parent, r) => parent || nextTokens[r] == Seq2SeqTokens.Eos).ToArray();
            generated = Enumerable.Range(0, rows).Select(r => generated[order[r]] + (parentFinished[r] ? 0f : 1f)).ToArray();
            history = Enumerable.Range(0, rows).Select(r => new List<int>(history[order[r]]) { nextTokens[r] }).ToArray();
            attention = Enumerable.Range(0, rows).Select(r =>
                new List<float[]>(attention[order[r]]) { step.Weights.Span.Slice(order[r] * s, s).ToArray() }).ToArray();
            state = ReorderState(stepTape, step.State, order);
            tokens = nextTokens;
        }
        tape.Reset();
        foreach (var stepTape in stepTapes) stepTape.Reset();

        var results = new Hypothesis[n][];
        for (int i = 0; i < n; i++)
        {
            var ranked = Enumerable.Range(i * k, k)
                .Select(r => (Row: r, Score: settings.Normalise(scores[r], Math.Max(generated[r], 1f))))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Row) // stable: ties keep the lower beam (ONNX ArgMax)
                .Take(settings.NBest);
            results[i] = ranked.Select(x => new Hypothesis(
                history[x.Row].TakeWhile(tok => tok != Seq2SeqTokens.Eos).ToArray(),
                x.Score,
                Trim(attention[x.Row], history[x.Row], s))).ToArray();
        }
        return results;
    }

    /// <summary>log softmax of one row with the beam rules applied (finished rows, min/max length, repeated n-grams).</summary>
    private static void StepLogProbabilities(ReadOnlySpan<float> logits, Span<float> logp, bool finished, int step, int maxLength,
        List<int> history, BeamSearchSettings settings)
    {
        if (finished)
        {
            logp.Fill(float.NegativeInfinity);
            logp[Seq2SeqTokens.Eos] = 0f;
            return;
        }
        Ops.LogSoftmaxRow(logits, logp);
        logp[Seq2SeqTokens.Pad] = logp[Seq2SeqTokens.Bos] = float.NegativeInfinity; // never an output token
        if (step < settings.MinLength) logp[Seq2SeqTokens.Eos] = float.NegativeInfinity;
        if (step >= maxLength - 1)
        {
            float eos = logp[Seq2SeqTokens.Eos];
            logp.Fill(float.NegativeInfinity);
            logp[Seq2SeqTokens.Eos] = eos;
        }
        int g = settings.NoRepeatNgramSize;
        if (g >= 2 && history.Count >= g - 1)
        {
            // The last g − 1 tokens; every earlier occurrence of them bans the token that followed it.
            int tail = history.Count - (g - 1);
            for (int start = 0; start + g - 1 < history.Count; start++)
            {
                bool same = true;
                for (int m = 0; m < g - 1 && same; m++) same = history[start + m] == history[tail + m];
                if (same) logp[history[start + g - 1]] = float.NegativeInfinity;
            }
        }
    }

    /// <summary>Indices of the <paramref name="k"/> largest values, largest first; ties to the lower index (ONNX TopK).</summary>
    internal static int[] TopK(ReadOnlySpan<float> values, int k)
    {
        var top = new int[k];
        var taken = new bool[values.Length];
        for (int j = 0; j < k; j++)
        {
            int best = -1;
            for (int i = 0; i < values.Length; i++)
                if (!taken[i] && (best < 0 || values[i] > values[best])) best = i;
            top[j] = best;
            taken[best] = true;
        }
        return top;
    }

    /// <summary>Rows of the decoder state picked by <paramref name="order"/> (the ONNX Gather on the beam rows).</summary>
    private static DecoderState ReorderState(Tape tape, DecoderState state, int[] order) =>
        new(GatherRows(tape, state.Hidden, order, 1), state.Cell is null ? null : GatherRows(tape, state.Cell, order, 1),
            state.AttentionalVector is null ? null : GatherRows(tape, state.AttentionalVector, order, 0));

    /// <summary>
    /// Rows <paramref name="order"/> of axis <paramref name="axis"/>, every axis before it of size 1: (R, …) with axis 0, or
    /// (1, R, X) with axis 1 → the same shape with order.Length rows (the ONNX Gather on the beam rows); inference only.
    /// </summary>
    private static Tensor GatherRows(Tape tape, Tensor x, int[] order, int axis)
    {
        int width = 1;
        for (int d = axis + 1; d < x.Rank; d++) width *= x.Shape[d];
        var shape = (int[])x.Shape.Clone();
        shape[axis] = order.Length;
        var y = tape.Pool.Rent(false, shape);
        for (int r = 0; r < order.Length; r++) x.Span.Slice(order[r] * width, width).CopyTo(y.Span.Slice(r * width, width));
        return y;
    }

    /// <summary>Attention rows up to and including the first EOS.</summary>
    private static float[] Trim(List<float[]> rows, List<int> history, int s)
    {
        int eos = history.IndexOf(Seq2SeqTokens.Eos);
        int count = eos < 0 ? history.Count : eos + 1;
        return rows.Take(count).SelectMany(x => x.Take(s)).ToArray();
    }
}
