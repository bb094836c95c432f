using System.Numerics.Tensors;
using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine;

public static partial class Ops
{
    /// <summary>
    /// One recurrent layer (one or two directions) over a whole batch of sequences, with a fused forward and a
    /// hand-written backward (back-propagation through time). Cell equations and gate block order:
    /// <see cref="RecurrentCellKind"/>. Semantics equal the ONNX RNN/LSTM/GRU operators (layout 0 after a transpose).
    /// </summary>
    /// <remarks>
    /// <para>Forward per direction: the input projections of all steps are one SGEMM ((B·T, I)·Wᵀ → (B·T, G·H)), then
    /// the recurrent loop runs one (B, H)·Rᵀ SGEMM per step. Backward mirrors it: per step one (B, G·H)·R SGEMM for
    /// dh_{t−1}; dR, dW and dx are one SGEMM each over the stored per-step gate gradients and states.
    /// Backward ACCUMULATES (+=) into every input's gradient.</para>
    /// <para>Variable lengths: at steps t ≥ lengths[b] the output is zero and the state is not updated, so the final
    /// state is the last valid one; the reverse direction processes t = len−1 … 0. Padding never changes a sequence's
    /// outputs, final state or gradients.</para>
    /// <para>Truncated BPTT (<paramref name="truncateBackpropAfter"/> = k &gt; 0): the sequence is cut into chunks of k
    /// processing steps (step s = 0, 1, … counted in each direction's own processing order); the state entering a
    /// chunk (at s = k, 2k, …) is treated as a constant in backward, so a gradient travels back at most k − 1
    /// recurrent transitions (never across a chunk boundary). Forward values are unchanged; k ≥ T equals full BPTT.</para>
    /// </remarks>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="cell">Cell kind (G gate blocks).</param>
    /// <param name="x">(B, T, I), batch-first.</param>
    /// <param name="w">(dirs, G·H, I), dirs = 1 (forward) or 2 (forward, reverse).</param>
    /// <param name="r">(dirs, G·H, H)</param>
    /// <param name="bias">(dirs, 2·G·H) = Wb | Rb.</param>
    /// <param name="lengths">[B] valid steps per sequence, 1 ≤ len ≤ T; null means all T.</param>
    /// <param name="h0">(dirs, B, H) initial hidden state, or null for zeros.</param>
    /// <param name="c0">(dirs, B, H) initial LSTM cell state, or null for zeros (LSTM only).</param>
    /// <param name="activation">Activation of the RNN cell (ignored by LSTM and GRU).</param>
    /// <param name="truncateBackpropAfter">k &gt; 0 truncates BPTT to chunks of k steps; 0 for full BPTT.</param>
    /// <returns>Output (B, T, dirs·H), FinalHidden (dirs, B, H), FinalCell (dirs, B, H) for LSTM.</returns>
    public static RecurrentOutput Recurrent(Tape tape, RecurrentCellKind cell, Tensor x, Tensor w, Tensor r, Tensor bias,
        int[]? lengths = null, Tensor? h0 = null, Tensor? c0 = null, RnnActivation activation = RnnActivation.Tanh,
        int truncateBackpropAfter = 0)
    {
        int g = GateCount(cell);
        if (x.Rank != 3) throw new ArgumentException($"Recurrent expects x (B,T,I); got {x}.", nameof(x));
        int b = x.Shape[0], t = x.Shape[1], inF = x.Shape[2];
        if (w.Rank != 3 || w.Shape[2] != inF || w.Shape[1] % g != 0 || w.Shape[0] is not (1 or 2))
            throw new ArgumentException($"Recurrent {cell} expects w (dirs,{g}·H,{inF}) with dirs 1 or 2; got {w}.", nameof(w));
        int dirs = w.Shape[0], gh = w.Shape[1], h = gh / g;
        if (r.Rank != 3 || r.Shape[0] != dirs || r.Shape[1] != gh || r.Shape[2] != h)
            throw new ArgumentException($"Recurrent expects r ({dirs},{gh},{h}); got {r}.", nameof(r));
        if (bias.Rank != 2 || bias.Shape[0] != dirs || bias.Shape[1] != 2 * gh)
            throw new ArgumentException($"Recurrent expects bias ({dirs},{2 * gh}); got {bias}.", nameof(bias));
        CheckState(h0, dirs, b, h, nameof(h0));
        CheckState(c0, dirs, b, h, nameof(c0));
        if (c0 is not null && cell != RecurrentCellKind.Lstm) throw new ArgumentException("Only the LSTM has a cell state.", nameof(c0));
        if (truncateBackpropAfter < 0) throw new ArgumentOutOfRangeException(nameof(truncateBackpropAfter), truncateBackpropAfter, "Must be 0 (full BPTT) or positive.");
        int[] lens = lengths ?? Enumerable.Repeat(t, b).ToArray();
        if (lens.Length != b) throw new ArgumentException($"lengths has {lens.Length} entries for a batch of {b}.", nameof(lengths));
        foreach (int len in lens)
            if (len < 1 || len > t) throw new ArgumentException($"Every length must lie in [1, {t}]; got {len}.", nameof(lengths));

        var output = tape.NewOutput([b, t, dirs * h], x, w, r, bias, h0, c0);
        output.Span.Clear(); // padded steps stay zero
        var finalH = tape.NewOutput([dirs, b, h], x, w, r, bias, h0, c0);
        var finalC = cell == RecurrentCellKind.Lstm ? tape.NewOutput([dirs, b, h], x, w, r, bias, h0, c0) : null;
        var dims = new RecurrentDims(cell, activation, b, t, inF, h, dirs, truncateBackpropAfter, lens);

        var caches = new RecurrentCache[dirs];
        for (int d = 0; d < dirs; d++)
        {
            caches[d] = new RecurrentCache(tape.Pool, dims);
            RecurrentForward(dims, d, caches[d], x, w, r, bias, h0, c0, output, finalH, finalC, tape.Pool);
        }

        tape.Record(output, () =>
        {
            for (int d = 0; d < dirs; d++)
                RecurrentBackward(tape, dims, d, caches[d], x, w, r, bias, h0, c0, output, finalH, finalC);
        });
        return new RecurrentOutput(output, finalH, finalC);
    }

    private static void CheckState(Tensor? s, int dirs, int b, int h, string name)
    {
        if (s is not null && (s.Rank != 3 || s.Shape[0] != dirs || s.Shape[1] != b || s.Shape[2] != h))
            throw new ArgumentException($"Recurrent expects {name} ({dirs},{b},{h}); got {s}.", name);
    }

    /// <summary>Sizes and options shared by the forward and backward of one recurrent op.</summary>
    private sealed record RecurrentDims(RecurrentCellKind Cell, RnnActivation Activation, int B, int T, int I, int H, int Dirs,
        int Truncate, int[] Lengths)
    {
        public int G => GateCount(Cell);
        public int GH => G * H;

        /// <summary>Time index processed at step <paramref name="s"/> for sequence <paramref name="b"/>, or −1 past its length.</summary>
        public int TimeAt(int d, int s, int b) => s >= Lengths[b] ? -1 : d == 0 ? s : Lengths[b] - 1 - s;
    }

    /// <summary>What backward needs from one direction's forward (all pooled, time-major by processing step s).</summary>
    private sealed class RecurrentCache
    {
        public RecurrentCache(TensorPool pool, RecurrentDims m)
        {
            Pre = pool.Rent(false, m.B * m.T, m.GH);
            Hs = pool.Rent(false, m.T + 1, m.B, m.H);
            if (m.Cell != RecurrentCellKind.Rnn) Gates = pool.Rent(false, m.T, m.B, m.GH);
            if (m.Cell == RecurrentCellKind.Lstm)
            {
                Cs = pool.Rent(false, m.T + 1, m.B, m.H);
                TanhC = pool.Rent(false, m.T, m.B, m.H);
            }
            if (m.Cell == RecurrentCellKind.Gru) RecH = pool.Rent(false, m.T, m.B, m.H);
        }

        /// <summary>(B·T, G·H) rows b·T + t: x_t·Wᵀ + Wb (+ Rb except GRU's candidate block).</summary>
        public Tensor Pre { get; }

        /// <summary>(T+1, B, H): Hs[s] is the state entering step s, Hs[T] the final state.</summary>
        public Tensor Hs { get; }

        /// <summary>(T, B, G·H) gate activations (LSTM i,o,f,c̃; GRU z,r,h̃), null for RNN.</summary>
        public Tensor? Gates { get; }

        /// <summary>(T+1, B, H) LSTM cell states.</summary>
        public Tensor? Cs { get; }

        /// <summary>(T, B, H) LSTM tanh(c_t).</summary>
        public Tensor? TanhC { get; }

        /// <summary>(T, B, H) GRU R_h h_{t−1} + Rb_h.</summary>
        public Tensor? RecH { get; }
    }

    private static void RecurrentForward(RecurrentDims m, int d, RecurrentCache cache, Tensor x, Tensor w, Tensor r, Tensor bias,
        Tensor? h0, Tensor? c0, Tensor output, Tensor finalH, Tensor? finalC, TensorPool pool)
    {
        int b = m.B, t = m.T, h = m.H, gh = m.GH, bh = b * h, outF = m.Dirs * h;
        var wd = w.Span.Slice(d * gh * m.I, gh * m.I);
        var rd = r.Span.Slice(d * gh * h, gh * h);
        var wb = bias.Span.Slice(d * 2 * gh, gh);
        var rb = bias.Span.Slice(d * 2 * gh + gh, gh);
        bool gru = m.Cell == RecurrentCellKind.Gru, lstm = m.Cell == RecurrentCellKind.Lstm;

        // Input projections of all steps at once: Pre (B·T, G·H) = x (B·T, I) · Wᵀ (I, G·H) + biases.
        var pre = cache.Pre.Span;
        Sgemm.Multiply(false, true, b * t, gh, m.I, x.Span, m.I, wd, m.I, pre, gh, accumulate: false);
        var rowBias = pool.Rent(false, gh).Span;
        TensorPrimitives.Add(wb, rb, rowBias);
        if (gru) wb.Slice(2 * h, h).CopyTo(rowBias.Slice(2 * h, h)); // Rb_h goes inside r ⊙ (R_h h + Rb_h)
        for (int row = 0; row < b * t; row++) TensorPrimitives.Add(pre.Slice(row * gh, gh), rowBias, pre.Slice(row * gh, gh));

        var hs = cache.Hs.Span;
        if (h0 is null) hs.Slice(0, bh).Clear(); else h0.Span.Slice(d * bh, bh).CopyTo(hs);
        var cs = lstm ? cache.Cs!.Span : default;
        if (lstm) { if (c0 is null) cs.Slice(0, bh).Clear(); else c0.Span.Slice(d * bh, bh).CopyTo(cs); }
        var gates = cache.Gates is null ? default : cache.Gates.Span;
        var rec = pool.Rent(false, b, gh).Span;
        var outS = output.Span;
        // Rᵀ (H, G·H) once, so the per-step product reads B untransposed (no per-step transpose while packing; a
        // single sequence takes the unpacked small-row path). Same sums in the same order as with R itself.
        var rt = pool.Rent(false, h, gh).Span;
        for (int row = 0; row < gh; row++)
            for (int col = 0; col < h; col++) rt[col * gh + row] = rd[row * h + col];

        if (lstm)
        {
            LstmForwardLoop(m, d, cache, pre, rt, outS);
        }
        else for (int s = 0; s < t; s++) // RNN and GRU
        {
            var hPrev = hs.Slice(s * bh, bh);
            var hNext = hs.Slice((s + 1) * bh, bh);
            // Recurrent projection of every sequence: rec (B, G·H) = h_{t−1} (B, H) · Rᵀ (H, G·H).
            Sgemm.Multiply(false, false, b, gh, h, hPrev, h, rt, gh, rec, gh, accumulate: false);
            for (int i = 0; i < b; i++)
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
                        var gt = gates.Slice((s * b + i) * gh, gh);
                        TensorPrimitives.Add(a.Slice(0, 2 * h), rc.Slice(0, 2 * h), gt.Slice(0, 2 * h));
                        TensorPrimitives.Sigmoid(gt.Slice(0, 2 * h), gt.Slice(0, 2 * h)); // z, r
                        var recH = cache.RecH!.Span.Slice(s * bh + i * h, h);
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

        hs.Slice(t * bh, bh).CopyTo(finalH.Span.Slice(d * bh, bh));
        if (lstm) cs.Slice(t * bh, bh).CopyTo(finalC!.Span.Slice(d * bh, bh));
    }

    /// <summary>
    /// The LSTM recurrence of one direction: per step the gate slab (B, 4H) of the cache is set to the input
    /// projections, the recurrent product is accumulated straight into it, and one fused pass per sequence computes
    /// the activations, c_t, tanh(c_t), h_t and the output row.
    /// </summary>
    private static void LstmForwardLoop(RecurrentDims m, int d, RecurrentCache cache, ReadOnlySpan<float> pre,
        ReadOnlySpan<float> rt, Span<float> outS)
    {
        int b = m.B, t = m.T, h = m.H, gh = m.GH, bh = b * h, outF = m.Dirs * h;
        var hs = cache.Hs.Span;
        var cs = cache.Cs!.Span;
        var tanhC = cache.TanhC!.Span;
        var gates = cache.Gates!.Span;
        for (int s = 0; s < t; s++)
        {
            var hPrev = hs.Slice(s * bh, bh);
            var gateStep = gates.Slice(s * b * gh, b * gh);
            for (int i = 0; i < b; i++)
            {
                int time = m.TimeAt(d, s, i);
                if (time < 0) gateStep.Slice(i * gh, gh).Clear();
                else pre.Slice((i * t + time) * gh, gh).CopyTo(gateStep.Slice(i * gh, gh));
            }
            // gates (B, 4H) += h_{t−1} (B, H) · Rᵀ (H, 4H)
            Sgemm.Multiply(false, false, b, gh, h, hPrev, h, rt, gh, gateStep, gh, accumulate: true);
            for (int i = 0; i < b; i++)
            {
                int time = m.TimeAt(d, s, i);
                var hn = hs.Slice((s + 1) * bh + i * h, h);
                var cn = cs.Slice((s + 1) * bh + i * h, h);
                if (time < 0)
                {
                    hPrev.Slice(i * h, h).CopyTo(hn); // past the length: the state stops updating
                    cs.Slice(s * bh + i * h, h).CopyTo(cn);
                    continue;
                }
                RecurrentKernels.LstmForward(gateStep.Slice(i * gh, gh), cs.Slice(s * bh + i * h, h), cn,
                    tanhC.Slice(s * bh + i * h, h), hn, h);
                hn.CopyTo(outS.Slice((i * t + time) * outF + d * h, h));
            }
        }
    }

    private static void RecurrentBackward(Tape tape, RecurrentDims m, int d, RecurrentCache cache, Tensor x, Tensor w, Tensor r,
        Tensor bias, Tensor? h0, Tensor? c0, Tensor output, Tensor finalH, Tensor? finalC)
    {
        int b = m.B, t = m.T, h = m.H, gh = m.GH, bh = b * h, outF = m.Dirs * h;
        var pool = tape.Pool;
        var wd = w.Span.Slice(d * gh * m.I, gh * m.I);
        var rd = r.Span.Slice(d * gh * h, gh * h);
        bool lstm = m.Cell == RecurrentCellKind.Lstm, gru = m.Cell == RecurrentCellKind.Gru;
        var dOut = output.Grad is null ? default : output.Grad.Span;
        bool hasDOut = output.Grad is not null;

        // dGx (B·T, G·H) rows b·T + t: gradient w.r.t. the input-side pre-activations; dGr (T·B, G·H) rows s·B + b:
        // w.r.t. the recurrent-side ones (they differ only in GRU's candidate block). Zero rows for padded steps.
        var dGx = pool.Rent(true, b * t, gh).Span;
        var dGr = gru ? pool.Rent(true, t * b, gh).Span : default;
        var dh = pool.Rent(true, b, h).Span;
        var dhPrev = pool.Rent(false, b, h).Span;
        if (finalH.Grad is not null) finalH.Grad.Span.Slice(d * bh, bh).CopyTo(dh);
        var dc = lstm ? pool.Rent(true, b, h).Span : default;
        if (lstm && finalC!.Grad is not null) finalC.Grad.Span.Slice(d * bh, bh).CopyTo(dc);
        var dGstep = gru ? default : pool.Rent(false, b, gh).Span; // non-GRU: dG_rec of one step equals dG_x, kept per step only
        var hs = cache.Hs.Span;
        var gates = cache.Gates is null ? default : cache.Gates.Span;

        for (int s = t - 1; s >= 0; s--)
        {
            var step = gru ? dGr.Slice(s * b * gh, b * gh) : dGstep;
            if (!gru) step.Clear();
            for (int i = 0; i < b; i++)
            {
                int time = m.TimeAt(d, s, i);
                if (time < 0) continue; // padded step: dh (and dc) pass through unchanged
                var dhb = dh.Slice(i * h, h);
                if (hasDOut) TensorPrimitives.Add(dhb, dOut.Slice((i * t + time) * outF + d * h, h), dhb);
                var gx = dGx.Slice((i * t + time) * gh, gh);
                var gr = step.Slice(i * gh, gh);
                switch (m.Cell)
                {
                    case RecurrentCellKind.Rnn:
                    {
                        var hn = hs.Slice((s + 1) * bh + i * h, h);
                        for (int j = 0; j < h; j++)
                            gx[j] = m.Activation == RnnActivation.Tanh ? dhb[j] * (1f - hn[j] * hn[j]) : hn[j] > 0f ? dhb[j] : 0f;
                        dhb.Clear();
                        break;
                    }
                    case RecurrentCellKind.Lstm:
                    {
                        var gt = gates.Slice((s * b + i) * gh, gh);
                        var tc = cache.TanhC!.Span.Slice(s * bh + i * h, h);
                        var cp = cache.Cs!.Span.Slice(s * bh + i * h, h);
                        RecurrentKernels.LstmBackward(gt, tc, cp, dhb, dc.Slice(i * h, h), gx, h); // dc becomes dc_{t−1}
                        dhb.Clear();
                        break;
                    }
                    default:
                    {
                        var gt = gates.Slice((s * b + i) * gh, gh);
                        var hp = hs.Slice(s * bh + i * h, h);
                        var recH = cache.RecH!.Span.Slice(s * bh + i * h, h);
                        for (int j = 0; j < h; j++)
                        {
                            float z = gt[j], rg = gt[h + j], n = gt[2 * h + j];
                            float dn = dhb[j] * (1f - z) * (1f - n * n); // d pre-activation of h̃
                            gx[j] = dhb[j] * (hp[j] - n) * z * (1f - z);
                            gx[h + j] = dn * recH[j] * rg * (1f - rg);
                            gx[2 * h + j] = dn;
                            gr[j] = gx[j];
                            gr[h + j] = gx[h + j];
                            gr[2 * h + j] = dn * rg;
                            dhb[j] *= z; // direct path h_{t−1} → h_t
                        }
                        break;
                    }
                }
                if (!gru) gx.CopyTo(gr);
            }

            // dh_{t−1} (B, H) = dG_rec (B, G·H) · R (G·H, H) + direct path (padded rows: dh itself).
            Sgemm.Multiply(false, false, b, h, gh, step, gh, rd, h, dhPrev, h, accumulate: false);
            TensorPrimitives.Add(dhPrev, dh, dhPrev);
            if (m.Truncate > 0 && s > 0 && s % m.Truncate == 0)
            {
                // Chunk boundary: the state entering step s is a constant for backward (active sequences only,
                // so padding does not change a sequence's gradients).
                for (int i = 0; i < b; i++)
                {
                    if (s >= m.Lengths[i]) continue;
                    dhPrev.Slice(i * h, h).Clear();
                    if (lstm) dc.Slice(i * h, h).Clear();
                }
            }
            dhPrev.CopyTo(dh);
        }

        if (h0 is { RequiresGrad: true }) TensorPrimitives.Add(tape.GradOf(h0).Span.Slice(d * bh, bh), dh, tape.GradOf(h0).Span.Slice(d * bh, bh));
        if (c0 is { RequiresGrad: true }) TensorPrimitives.Add(tape.GradOf(c0).Span.Slice(d * bh, bh), dc, tape.GradOf(c0).Span.Slice(d * bh, bh));

        if (r.RequiresGrad)
        {
            var dR = tape.GradOf(r).Span.Slice(d * gh * h, gh * h);
            if (gru)
            {
                // dR (G·H, H) += dG_recᵀ (G·H, T·B) · h_{s−1} (T·B, H): one SGEMM over all steps.
                Sgemm.Multiply(true, false, gh, h, t * b, dGr, gh, hs, h, dR, h, accumulate: true);
            }
            else
            {
                // dG_rec = dG_x; gather the states that entered each (b, t) into batch-first order: prevStates (B·T, H).
                var prevStates = pool.Rent(true, b * t, h).Span;
                for (int s = 0; s < t; s++)
                    for (int i = 0; i < b; i++)
                    {
                        int time = m.TimeAt(d, s, i);
                        if (time >= 0) hs.Slice(s * bh + i * h, h).CopyTo(prevStates.Slice((i * t + time) * h, h));
                    }
                Sgemm.Multiply(true, false, gh, h, b * t, dGx, gh, prevStates, h, dR, h, accumulate: true);
            }
        }
        // dW (G·H, I) += dG_xᵀ (G·H, B·T) · x (B·T, I);  dx (B·T, I) += dG_x (B·T, G·H) · W (G·H, I).
        if (w.RequiresGrad) Sgemm.Multiply(true, false, gh, m.I, b * t, dGx, gh, x.Span, m.I, tape.GradOf(w).Span.Slice(d * gh * m.I, gh * m.I), m.I, accumulate: true);
        if (x.RequiresGrad) Sgemm.Multiply(false, false, b * t, m.I, gh, dGx, gh, wd, m.I, tape.GradOf(x).Span, m.I, accumulate: true);
        if (bias.RequiresGrad)
        {
            var db = tape.GradOf(bias).Span;
            var dWb = db.Slice(d * 2 * gh, gh);
            var dRb = db.Slice(d * 2 * gh + gh, gh);
            for (int row = 0; row < b * t; row++) TensorPrimitives.Add(dWb, dGx.Slice(row * gh, gh), dWb);
            if (gru) for (int row = 0; row < t * b; row++) TensorPrimitives.Add(dRb, dGr.Slice(row * gh, gh), dRb);
            else for (int row = 0; row < b * t; row++) TensorPrimitives.Add(dRb, dGx.Slice(row * gh, gh), dRb);
        }
    }
}
