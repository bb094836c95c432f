using System.Numerics.Tensors;
using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>Input projections of all steps, initial states and Rᵀ of one direction (before the time loop).</summary>
    private static void PrepareForward(RecurrentDims m, int d, RecurrentCache cache, Tensor x, Tensor w, Tensor r, Tensor bias,
        Tensor? h0, Tensor? c0)
    {
        int b = m.B, t = m.T, h = m.H, gh = m.GH, bh = b * h;
        var wd = w.Span.Slice(d * gh * m.I, gh * m.I);
        var rd = r.Span.Slice(d * gh * h, gh * h);
        var wb = bias.Span.Slice(d * 2 * gh, gh);
        var rb = bias.Span.Slice(d * 2 * gh + gh, gh);
        bool gru = m.Cell == RecurrentCellKind.Gru, lstm = m.Cell == RecurrentCellKind.Lstm;

        // Input projections of all steps at once: Pre (B·T, G·H) = x (B·T, I) · Wᵀ (I, G·H) + biases.
        var pre = cache.Pre.Span;
        Sgemm.Multiply(false, true, b * t, gh, m.I, x.Span, m.I, wd, m.I, pre, gh, accumulate: false);
        var rowBias = cache.RowBias.Span;
        TensorPrimitives.Add(wb, rb, rowBias);
        if (gru) wb.Slice(2 * h, h).CopyTo(rowBias.Slice(2 * h, h)); // Rb_h goes inside r ⊙ (R_h h + Rb_h)
        if (!lstm) for (int row = 0; row < b * t; row++) TensorPrimitives.Add(pre.Slice(row * gh, gh), rowBias, pre.Slice(row * gh, gh));

        var hs = cache.Hs.Span;
        if (h0 is null) hs.Slice(0, bh).Clear(); else h0.Span.Slice(d * bh, bh).CopyTo(hs);
        if (lstm)
        {
            var cs = cache.Cs!.Span;
            if (c0 is null) cs.Slice(0, bh).Clear(); else c0.Span.Slice(d * bh, bh).CopyTo(cs);
        }
        // Rᵀ once, packed for the SGEMM kernels (no packing per step) or, for a few rows, transposed for the unpacked
        // few-row path. Same sums in the same order as a plain product with R, whatever the batch size.
        if (cache.RPacked is not null) cache.RPackedOffset = SgemmPrepacked.Pack(true, h, gh, rd, h, cache.RPacked.Span, cache.RPanelWidth);
        else Transpose(rd, gh, h, cache.Rt!.Span);
    }

    /// <summary>The time loop of one direction for batch rows [r0, r0 + rows).</summary>
    private static void RecurrentForwardRows(RecurrentDims m, int d, RecurrentCache cache, Tensor bias, Tensor output, int r0, int rows)
    {
        if (m.Cell == RecurrentCellKind.Lstm)
        {
            LstmForwardLoop(m, d, cache, output.Span, r0, rows);
            return;
        }

        int b = m.B, t = m.T, h = m.H, gh = m.GH, bh = b * h, outF = m.Dirs * h;
        var rb = bias.Span.Slice(d * 2 * gh + gh, gh);
        var pre = cache.Pre.Span;
        var hs = cache.Hs.Span;
        var gates = cache.Gates is null ? default : cache.Gates.Span;
        var rec = cache.Rec!.Span;
        var outS = output.Span;
        for (int s = 0; s < t; s++) // RNN and GRU
        {
            var hPrev = hs.Slice(cache.State(s) * bh, bh);
            var hNext = hs.Slice(cache.State(s + 1) * bh, bh);
            // Recurrent projection of the chunk's sequences: rec (rows, G·H) = h_{t−1} (rows, H) · Rᵀ (H, G·H).
            cache.Product(rows, gh, h, hPrev.Slice(r0 * h, rows * h), rec.Slice(r0 * gh, rows * gh), accumulate: false);
            for (int i = r0; i < r0 + rows; i++)
            {
                var hp = hPrev.Slice(i * h, h);
                var hn = hNext.Slice(i * h, h);
                int time = m.TimeAt(d, s, i);
                if (time < 0)
                {
                    hp.CopyTo(hn); // past the length: the state stops updating
                    continue;
                }

                var a = pre.Slice((i * t + time) * gh, gh);
                var rc = rec.Slice(i * gh, gh);
                switch (m.Cell)
                {
                    case RecurrentCellKind.Rnn:
                        TensorPrimitives.Add(a, rc, hn);
                        if (m.Activation == RnnActivation.Tanh) TensorPrimitives.Tanh(hn, hn);
                        else TensorPrimitives.Max(hn, 0f, hn);
                        break;
                    default: // GRU, linear_before_reset = 1
                    {
                        var gt = gates.Slice((cache.Step(s) * b + i) * gh, gh);
                        TensorPrimitives.Add(a.Slice(0, 2 * h), rc.Slice(0, 2 * h), gt.Slice(0, 2 * h));
                        TensorPrimitives.Sigmoid(gt.Slice(0, 2 * h), gt.Slice(0, 2 * h)); // z, r
                        var recH = cache.RecH!.Span.Slice(cache.Step(s) * bh + i * h, h);
                        TensorPrimitives.Add(rc.Slice(2 * h, h), rb.Slice(2 * h, h), recH);
                        var n = gt.Slice(2 * h, h);
                        TensorPrimitives.MultiplyAdd(gt.Slice(h, h), recH, a.Slice(2 * h, h), n); // r ⊙ (R_h h + Rb_h) + W_h x + Wb_h
                        TensorPrimitives.Tanh(n, n);
                        TensorPrimitives.Subtract(hp, n, hn);                    // h_t = h̃ + z ⊙ (h_{t−1} − h̃)
                        TensorPrimitives.MultiplyAdd(hn, gt.Slice(0, h), n, hn);
                        break;
                    }
                }
                hn.CopyTo(outS.Slice((i * t + time) * outF + d * h, h));
            }
        }
    }

    /// <summary>
    /// The LSTM recurrence of one direction: per step the gate slab (B, 4H) of the cache is set to the input
    /// projections, the recurrent product is accumulated straight into it, and one fused pass per sequence computes
    /// the activations, c_t, tanh(c_t), h_t and the output row.
    /// </summary>
    private static void LstmForwardLoop(RecurrentDims m, int d, RecurrentCache cache, Span<float> outS, int r0, int rows)
    {
        int b = m.B, t = m.T, h = m.H, gh = m.GH, bh = b * h, outF = m.Dirs * h;
        var pre = cache.Pre.Span;
        var hs = cache.Hs.Span;
        var cs = cache.Cs!.Span;
        var tanhC = cache.TanhC!.Span;
        var gates = cache.Gates!.Span;
        var rowBias = cache.RowBias.Span;
        for (int s = 0; s < t; s++)
        {
            var hPrev = hs.Slice(cache.State(s) * bh, bh);
            var gateStep = gates.Slice(cache.Step(s) * b * gh, b * gh);
            for (int i = r0; i < r0 + rows; i++)
            {
                int time = m.TimeAt(d, s, i);
                if (time < 0) gateStep.Slice(i * gh, gh).Clear();
                else TensorPrimitives.Add(pre.Slice((i * t + time) * gh, gh), rowBias, gateStep.Slice(i * gh, gh));
            }
            // gates (rows, 4H) += h_{t−1} (rows, H) · Rᵀ (H, 4H)
            cache.Product(rows, gh, h, hPrev.Slice(r0 * h, rows * h), gateStep.Slice(r0 * gh, rows * gh), accumulate: true);
            for (int i = r0; i < r0 + rows; i++)
            {
                int time = m.TimeAt(d, s, i);
                var hn = hs.Slice(cache.State(s + 1) * bh + i * h, h);
                var cn = cs.Slice(cache.State(s + 1) * bh + i * h, h);
                if (time < 0)
                {
                    hPrev.Slice(i * h, h).CopyTo(hn); // past the length: the state stops updating
                    cs.Slice(cache.State(s) * bh + i * h, h).CopyTo(cn);
                    continue;
                }
                RecurrentKernels.LstmForward(gateStep.Slice(i * gh, gh), cs.Slice(cache.State(s) * bh + i * h, h), cn,
                    tanhC.Slice(cache.Step(s) * bh + i * h, h), hn, h);
                hn.CopyTo(outS.Slice((i * t + time) * outF + d * h, h));
            }
        }
    }
}
