using System.Numerics.Tensors;

namespace MlNetDeep.Engine;

/// <summary>Context vectors and attention weights of one attention step.</summary>
/// <param name="Context">(B, Dv) Σ_s weights[b,s]·values[b,s,:]; differentiable.</param>
/// <param name="Weights">(B, S) attention distribution over the source (padded positions exactly 0); a constant for the tape.</param>
internal readonly record struct AttentionOutput(Tensor Context, Tensor Weights);

internal static partial class Ops
{
    /// <summary>
    /// Added to the score of a padded source position before the softmax. Finite on purpose: with −∞ a source of length
    /// 0 would give 0/0 = NaN; with −1e9, exp underflows to exactly 0 for padded positions of any non-empty source.
    /// The ONNX export adds the same constant (Where(mask, 0, −1e9)), so engine and graph agree bit for bit in the mask.
    /// </summary>
    internal const float AttentionMaskValue = -1e9f;

    /// <summary>
    /// Dot-product attention scores (Luong "dot"; "general" is this after a Linear on the query):
    /// scores[b,s] = Σ_d query[b,d]·keys[b,s,d].
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="query">(B, D) decoder state (or its projection).</param>
    /// <param name="keys">(B, S, D) encoder outputs.</param>
    /// <returns>(B, S) unnormalised scores.</returns>
    public static Tensor AttentionDotScores(Tape tape, Tensor query, Tensor keys)
    {
        if (query.Rank != 2 || keys.Rank != 3 || keys.Shape[0] != query.Shape[0] || keys.Shape[2] != query.Shape[1])
            throw new ArgumentException($"Dot attention expects query (B,D) and keys (B,S,D); got {query} and {keys}.");
        int b = query.Shape[0], d = query.Shape[1], s = keys.Shape[1];
        var scores = tape.NewOutput([b, s], query, keys);
        var q = query.Span; var k = keys.Span; var y = scores.Span;
        for (int i = 0; i < b; i++)
            for (int j = 0; j < s; j++)
                y[i * s + j] = TensorPrimitives.Dot(q.Slice(i * d, d), k.Slice((i * s + j) * d, d));

        tape.Record(scores, () =>
        {
            var dy = scores.Grad!.Span;
            // dquery[b,:] += Σ_s dy[b,s]·keys[b,s,:]
            if (query.RequiresGrad)
            {
                var dq = tape.GradOf(query).Span;
                for (int i = 0; i < b; i++)
                    for (int j = 0; j < s; j++)
                        TensorPrimitives.MultiplyAdd(keys.Span.Slice((i * s + j) * d, d), dy[i * s + j], dq.Slice(i * d, d), dq.Slice(i * d, d));
            }
            // dkeys[b,s,:] += dy[b,s]·query[b,:]
            if (keys.RequiresGrad)
            {
                var dk = tape.GradOf(keys).Span;
                for (int i = 0; i < b; i++)
                    for (int j = 0; j < s; j++)
                    {
                        var row = dk.Slice((i * s + j) * d, d);
                        TensorPrimitives.MultiplyAdd(query.Span.Slice(i * d, d), dy[i * s + j], row, row);
                    }
            }
        });
        return scores;
    }

    /// <summary>
    /// Additive (Bahdanau) attention scores from projected inputs: scores[b,s] = Σ_a v[a]·tanh(keysProj[b,s,a] + queryProj[b,a]).
    /// The key projection is computed once per source sequence by the caller; only the query projection changes per step.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="queryProj">(B, A) W_q·query.</param>
    /// <param name="keysProj">(B, S, A) W_k·keys (+ bias).</param>
    /// <param name="v">(A) scoring vector.</param>
    /// <returns>(B, S) unnormalised scores.</returns>
    public static Tensor AttentionAdditiveScores(Tape tape, Tensor queryProj, Tensor keysProj, Tensor v)
    {
        if (queryProj.Rank != 2 || keysProj.Rank != 3 || keysProj.Shape[0] != queryProj.Shape[0]
            || keysProj.Shape[2] != queryProj.Shape[1] || v.Length != queryProj.Shape[1])
            throw new ArgumentException($"Additive attention expects queryProj (B,A), keysProj (B,S,A) and v (A); got {queryProj}, {keysProj} and {v}.");
        int b = queryProj.Shape[0], a = queryProj.Shape[1], s = keysProj.Shape[1];
        var scores = tape.NewOutput([b, s], queryProj, keysProj, v);
        // tanh(keysProj + queryProj) (B, S, A), kept for backward.
        var hidden = tape.Pool.Rent(false, b, s, a);
        var hs = hidden.Span; var y = scores.Span;
        for (int i = 0; i < b; i++)
            for (int j = 0; j < s; j++)
            {
                var row = hs.Slice((i * s + j) * a, a);
                TensorPrimitives.Add(keysProj.Span.Slice((i * s + j) * a, a), queryProj.Span.Slice(i * a, a), row);
                TensorPrimitives.Tanh(row, row);
                y[i * s + j] = TensorPrimitives.Dot(row, v.Span);
            }

        tape.Record(scores, () =>
        {
            var dy = scores.Grad!.Span; var vs = v.Span; var hsb = hidden.Span;
            var dpre = tape.Pool.Rent(false, a).Span; // d score / d (keysProj + queryProj) for one (b, s)
            Span<float> dq = queryProj.RequiresGrad ? tape.GradOf(queryProj).Span : default;
            Span<float> dk = keysProj.RequiresGrad ? tape.GradOf(keysProj).Span : default;
            Span<float> dv = v.RequiresGrad ? tape.GradOf(v).Span : default;
            for (int i = 0; i < b; i++)
                for (int j = 0; j < s; j++)
                {
                    float g = dy[i * s + j];
                    var row = hsb.Slice((i * s + j) * a, a);
                    if (!dv.IsEmpty) TensorPrimitives.MultiplyAdd(row, g, dv, dv);
                    // dpre = g·v ⊙ (1 − tanh²)
                    for (int k = 0; k < a; k++) dpre[k] = g * vs[k] * (1f - row[k] * row[k]);
                    if (!dq.IsEmpty) TensorPrimitives.Add(dq.Slice(i * a, a), dpre, dq.Slice(i * a, a));
                    if (!dk.IsEmpty) TensorPrimitives.Add(dk.Slice((i * s + j) * a, a), dpre, dk.Slice((i * s + j) * a, a));
                }
        });
        return scores;
    }

    /// <summary>
    /// Masked softmax over the source and the weighted sum of the values: weights = softmax(scores + mask) with
    /// mask[b,s] = <see cref="AttentionMaskValue"/> for s ≥ lengths[b]; context[b,:] = Σ_s weights[b,s]·values[b,s,:].
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="scores">(B, S) unnormalised scores.</param>
    /// <param name="values">(B, S, Dv) encoder outputs.</param>
    /// <param name="lengths">[B] valid source positions (0 ≤ len ≤ S), or null for all S; kept unchanged until backward.</param>
    /// <returns>Context (B, Dv) and weights (B, S).</returns>
    public static AttentionOutput AttentionContext(Tape tape, Tensor scores, Tensor values, int[]? lengths)
    {
        if (scores.Rank != 2 || values.Rank != 3 || values.Shape[0] != scores.Shape[0] || values.Shape[1] != scores.Shape[1])
            throw new ArgumentException($"Attention context expects scores (B,S) and values (B,S,Dv); got {scores} and {values}.");
        int b = scores.Shape[0], s = scores.Shape[1], dv = values.Shape[2];
        if (lengths is not null && lengths.Length != b) throw new ArgumentException($"lengths has {lengths.Length} entries for a batch of {b}.", nameof(lengths));
        var weights = tape.Pool.Rent(false, b, s);
        var context = tape.NewOutput([b, dv], scores, values);
        var ws = weights.Span; var cs = context.Span; var vs = values.Span;
        for (int i = 0; i < b; i++)
        {
            int len = lengths?[i] ?? s;
            if ((uint)len > (uint)s) throw new ArgumentOutOfRangeException(nameof(lengths), len, $"A source length must lie in [0, {s}].");
            var w = ws.Slice(i * s, s);
            scores.Span.Slice(i * s, s).CopyTo(w);
            for (int j = len; j < s; j++) w[j] += AttentionMaskValue;
            LogSoftmaxRow(w, w);
            TensorPrimitives.Exp(w, w);
            var c = cs.Slice(i * dv, dv);
            c.Clear();
            for (int j = 0; j < s; j++) TensorPrimitives.MultiplyAdd(vs.Slice((i * s + j) * dv, dv), w[j], c, c);
        }

        tape.Record(context, () =>
        {
            var dc = context.Grad!.Span; var wsb = weights.Span; var vsb = values.Span;
            Span<float> dvals = values.RequiresGrad ? tape.GradOf(values).Span : default;
            Span<float> dscores = scores.RequiresGrad ? tape.GradOf(scores).Span : default;
            var dw = tape.Pool.Rent(false, s).Span;
            for (int i = 0; i < b; i++)
            {
                var dci = dc.Slice(i * dv, dv); var w = wsb.Slice(i * s, s);
                // dvalues[b,s,:] += w[b,s]·dcontext[b,:]
                if (!dvals.IsEmpty)
                    for (int j = 0; j < s; j++)
                    {
                        var row = dvals.Slice((i * s + j) * dv, dv);
                        TensorPrimitives.MultiplyAdd(dci, w[j], row, row);
                    }
                if (dscores.IsEmpty) continue;
                // dw[s] = dcontext·values[b,s,:]; dscores = w ⊙ (dw − Σ w·dw) (softmax backward; the mask is a constant)
                for (int j = 0; j < s; j++) dw[j] = TensorPrimitives.Dot(dci, vsb.Slice((i * s + j) * dv, dv));
                float dot = TensorPrimitives.Dot(w, dw);
                var ds = dscores.Slice(i * s, s);
                for (int j = 0; j < s; j++) ds[j] += w[j] * (dw[j] - dot);
            }
        });
        return new AttentionOutput(context, weights);
    }
}
