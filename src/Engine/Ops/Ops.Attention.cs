using System.Numerics.Tensors;
using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine;

/// <summary>Context vectors and attention weights of attention over a source.</summary>
/// <param name="Context">(B, Q, Dv), or (B, Dv) for one query per item: Σ_s weights·values[b,s,:]; differentiable.</param>
/// <param name="Weights">(B, Q, S), or (B, S): the distribution over the source (padded positions exactly 0); a constant for the tape.</param>
internal readonly record struct AttentionOutput(Tensor Context, Tensor Weights);

/// <summary>
/// Attention ops. Shapes: B batch items, each with Q queries (the decoder steps of a teacher-forced sequence, or Q = 1 per
/// decoding step, where the query may also be given as (B, D)), S source positions, D key size, Dv value size, A the
/// additive score's hidden size. Per item the products are one SGEMM each.
/// </summary>
internal static partial class Ops
{
    /// <summary>
    /// Added to the score of a padded source position before the softmax. Finite on purpose: with −∞ a source whose
    /// positions are all masked would give 0/0 = NaN; with −1e9, exp underflows to exactly 0 for padded positions of any
    /// non-empty source. The ONNX export adds the same constant (Where(mask, 0, −1e9)).
    /// </summary>
    internal const float AttentionMaskValue = -1e9f;

    /// <summary>
    /// Dot-product attention scores (Luong "dot"; "general" is this after a Linear on the query):
    /// scores[b,q,s] = Σ_d query[b,q,d]·keys[b,s,d].
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="query">(B, Q, D) or (B, D): decoder states (or their projection).</param>
    /// <param name="keys">(B, S, D) encoder outputs.</param>
    /// <returns>(B, Q, S), or (B, S) for a rank-2 query: unnormalised scores.</returns>
    public static Tensor AttentionDotScores(Tape tape, Tensor query, Tensor keys)
    {
        var (b, q, d) = QueryDims(query);
        if (keys.Rank != 3 || keys.Shape[0] != b || keys.Shape[2] != d)
            throw new ArgumentException($"Dot attention expects query (B,Q,D) or (B,D) and keys (B,S,D); got {query} and {keys}.");
        int s = keys.Shape[1];
        var scores = tape.NewOutput(query.Rank == 2 ? [b, s] : [b, q, s], query, keys);
        for (int i = 0; i < b; i++)
            // scores_b (Q,S) = query_b (Q,D) · keys_bᵀ (D,S)
            Sgemm.Multiply(false, true, q, s, d, query.Span.Slice(i * q * d, q * d), d, keys.Span.Slice(i * s * d, s * d), d,
                scores.Span.Slice(i * q * s, q * s), s, accumulate: false);

        tape.Record(scores, () =>
        {
            var dy = scores.Grad!.Span;
            for (int i = 0; i < b; i++)
            {
                var dyi = dy.Slice(i * q * s, q * s);
                // dquery_b (Q,D) += dy_b (Q,S) · keys_b (S,D)
                if (query.RequiresGrad)
                    Sgemm.Multiply(false, false, q, d, s, dyi, s, keys.Span.Slice(i * s * d, s * d), d,
                        tape.GradOf(query).Span.Slice(i * q * d, q * d), d, accumulate: true);
                // dkeys_b (S,D) += dy_bᵀ (S,Q) · query_b (Q,D)
                if (keys.RequiresGrad)
                    Sgemm.Multiply(true, false, s, d, q, dyi, s, query.Span.Slice(i * q * d, q * d), d,
                        tape.GradOf(keys).Span.Slice(i * s * d, s * d), d, accumulate: true);
            }
        });
        return scores;
    }

    /// <summary>
    /// Additive (Bahdanau) attention scores from projected inputs: scores[b,q,s] = Σ_a v[a]·tanh(keysProj[b,s,a] + queryProj[b,q,a]).
    /// The key projection is computed once per source by the caller; only the query projection changes per step.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="queryProj">(B, Q, A) or (B, A): W_q·query.</param>
    /// <param name="keysProj">(B, S, A): W_k·keys + b.</param>
    /// <param name="v">(A) scoring vector.</param>
    /// <returns>(B, Q, S), or (B, S) for a rank-2 query: unnormalised scores.</returns>
    public static Tensor AttentionAdditiveScores(Tape tape, Tensor queryProj, Tensor keysProj, Tensor v)
    {
        var (b, q, a) = QueryDims(queryProj);
        if (keysProj.Rank != 3 || keysProj.Shape[0] != b || keysProj.Shape[2] != a || v.Length != a)
            throw new ArgumentException($"Additive attention expects queryProj (B,Q,A) or (B,A), keysProj (B,S,A) and v (A); got {queryProj}, {keysProj} and {v}.");
        int s = keysProj.Shape[1];
        var scores = tape.NewOutput(queryProj.Rank == 2 ? [b, s] : [b, q, s], queryProj, keysProj, v);
        // tanh(keysProj + queryProj) (B, Q, S, A), kept for backward.
        var hidden = tape.Pool.Rent(false, b, q, s, a);
        var hs = hidden.Span; var y = scores.Span;
        for (int i = 0; i < b; i++)
            for (int j = 0; j < q; j++)
                for (int k = 0; k < s; k++)
                {
                    int row = (i * q + j) * s + k;
                    var h = hs.Slice(row * a, a);
                    TensorPrimitives.Add(keysProj.Span.Slice((i * s + k) * a, a), queryProj.Span.Slice((i * q + j) * a, a), h);
                    TensorPrimitives.Tanh(h, h);
                    y[row] = TensorPrimitives.Dot(h, v.Span);
                }

        tape.Record(scores, () =>
        {
            var dy = scores.Grad!.Span; var vs = v.Span; var hsb = hidden.Span;
            var dpre = tape.Pool.Rent(false, a).Span; // d score / d (keysProj + queryProj) for one (b, q, s)
            Span<float> dq = queryProj.RequiresGrad ? tape.GradOf(queryProj).Span : default;
            Span<float> dk = keysProj.RequiresGrad ? tape.GradOf(keysProj).Span : default;
            Span<float> dv = v.RequiresGrad ? tape.GradOf(v).Span : default;
            for (int i = 0; i < b; i++)
                for (int j = 0; j < q; j++)
                    for (int k = 0; k < s; k++)
                    {
                        int row = (i * q + j) * s + k;
                        float g = dy[row];
                        var h = hsb.Slice(row * a, a);
                        if (!dv.IsEmpty) TensorPrimitives.MultiplyAdd(h, g, dv, dv);
                        // dpre = g·v ⊙ (1 − tanh²)
                        for (int c = 0; c < a; c++) dpre[c] = g * vs[c] * (1f - h[c] * h[c]);
                        if (!dq.IsEmpty) TensorPrimitives.Add(dq.Slice((i * q + j) * a, a), dpre, dq.Slice((i * q + j) * a, a));
                        if (!dk.IsEmpty) TensorPrimitives.Add(dk.Slice((i * s + k) * a, a), dpre, dk.Slice((i * s + k) * a, a));
                    }
        });
        return scores;
    }

    /// <summary>
    /// Masked softmax over the source and the weighted sum of the values: weights = softmax(scores + mask) with
    /// mask[b,·,s] = <see cref="AttentionMaskValue"/> for s ≥ lengths[b]; context[b,q,:] = Σ_s weights[b,q,s]·values[b,s,:].
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="scores">(B, Q, S) or (B, S): unnormalised scores.</param>
    /// <param name="values">(B, S, Dv) encoder outputs.</param>
    /// <param name="lengths">[B] valid source positions (0 ≤ len ≤ S), or null for all S; kept unchanged until backward.</param>
    /// <returns>Context (B, Q, Dv) or (B, Dv), and weights shaped like <paramref name="scores"/>.</returns>
    public static AttentionOutput AttentionContext(Tape tape, Tensor scores, Tensor values, int[]? lengths)
    {
        var (b, q, s) = QueryDims(scores);
        if (values.Rank != 3 || values.Shape[0] != b || values.Shape[1] != s)
            throw new ArgumentException($"Attention context expects scores (B,Q,S) or (B,S) and values (B,S,Dv); got {scores} and {values}.");
        int dv = values.Shape[2];
        if (lengths is not null && lengths.Length != b) throw new ArgumentException($"lengths has {lengths.Length} entries for a batch of {b}.", nameof(lengths));
        var weights = tape.Pool.Rent(false, scores.Shape);
        var context = tape.NewOutput(scores.Rank == 2 ? [b, dv] : [b, q, dv], scores, values);
        var ws = weights.Span;
        scores.Span.CopyTo(ws);
        for (int i = 0; i < b; i++)
        {
            int len = lengths?[i] ?? s;
            if ((uint)len > (uint)s) throw new ArgumentOutOfRangeException(nameof(lengths), len, $"A source length must lie in [0, {s}].");
            for (int j = 0; j < q; j++)
            {
                var w = ws.Slice((i * q + j) * s, s);
                for (int k = len; k < s; k++) w[k] += AttentionMaskValue;
                LogSoftmaxRow(w, w);
                TensorPrimitives.Exp(w, w);
            }
            // context_b (Q,Dv) = weights_b (Q,S) · values_b (S,Dv)
            Sgemm.Multiply(false, false, q, dv, s, ws.Slice(i * q * s, q * s), s, values.Span.Slice(i * s * dv, s * dv), dv,
                context.Span.Slice(i * q * dv, q * dv), dv, accumulate: false);
        }

        tape.Record(context, () =>
        {
            var dc = context.Grad!.Span; var wsb = weights.Span;
            var dw = tape.Pool.Rent(false, q, s).Span;
            for (int i = 0; i < b; i++)
            {
                var dci = dc.Slice(i * q * dv, q * dv); var wi = wsb.Slice(i * q * s, q * s); var vi = values.Span.Slice(i * s * dv, s * dv);
                // dvalues_b (S,Dv) += weights_bᵀ (S,Q) · dcontext_b (Q,Dv)
                if (values.RequiresGrad)
                    Sgemm.Multiply(true, false, s, dv, q, wi, s, dci, dv, tape.GradOf(values).Span.Slice(i * s * dv, s * dv), dv, accumulate: true);
                if (!scores.RequiresGrad) continue;
                // dweights_b (Q,S) = dcontext_b (Q,Dv) · values_bᵀ (Dv,S); dscores = w ⊙ (dw − Σ w·dw) per row (the mask is a constant)
                Sgemm.Multiply(false, true, q, s, dv, dci, dv, vi, dv, dw, s, accumulate: false);
                var ds = tape.GradOf(scores).Span.Slice(i * q * s, q * s);
                for (int j = 0; j < q; j++)
                {
                    var w = wi.Slice(j * s, s); var dwr = dw.Slice(j * s, s); var dsr = ds.Slice(j * s, s);
                    float dot = TensorPrimitives.Dot(w, dwr);
                    for (int k = 0; k < s; k++) dsr[k] += w[k] * (dwr[k] - dot);
                }
            }
        });
        return new AttentionOutput(context, weights);
    }

    /// <summary>(B, Q, X) or (B, X) read as B items of Q rows of X values (Q = 1 for rank 2).</summary>
    private static (int Batch, int Rows, int Width) QueryDims(Tensor t) => t.Rank switch
    {
        2 => (t.Shape[0], 1, t.Shape[1]),
        3 => (t.Shape[0], t.Shape[1], t.Shape[2]),
        _ => throw new ArgumentException($"Attention expects (B,Q,X) or (B,X); got {t}."),
    };
}
