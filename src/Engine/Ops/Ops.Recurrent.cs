using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// The time loops run the directions and chunks of at least 16 batch rows concurrently (one core each,
    /// single-threaded per-step products); results are bitwise independent of the thread count.
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
        ClearPaddedRows(output.Span, lens, t, dirs * h); // padded steps stay zero; every other row is written
        var finalH = tape.NewOutput([dirs, b, h], x, w, r, bias, h0, c0);
        var finalC = cell == RecurrentCellKind.Lstm ? tape.NewOutput([dirs, b, h], x, w, r, bias, h0, c0) : null;
        var dims = new RecurrentDims(cell, activation, b, t, inF, h, dirs, truncateBackpropAfter, lens) { KeepAll = output.RequiresGrad };

        var caches = new RecurrentCache[dirs];
        for (int d = 0; d < dirs; d++)
        {
            caches[d] = new RecurrentCache(tape.Pool, dims);
            PrepareForward(dims, d, caches[d], x, w, r, bias, h0, c0);
        }
        RunRowChunks(dims, (d, r0, rows) => RecurrentForwardRows(dims, d, caches[d], bias, output, r0, rows));
        int bh = b * h;
        for (int d = 0; d < dirs; d++)
        {
            caches[d].Hs.Span.Slice(caches[d].State(t) * bh, bh).CopyTo(finalH.Span.Slice(d * bh, bh));
            if (finalC is not null) caches[d].Cs!.Span.Slice(caches[d].State(t) * bh, bh).CopyTo(finalC.Span.Slice(d * bh, bh));
        }

        tape.Record(output, () =>
        {
            var work = new RecurrentBackwardWork[dirs];
            for (int d = 0; d < dirs; d++) work[d] = new RecurrentBackwardWork(tape.Pool, dims, d, r, finalH, finalC);
            RunRowChunks(dims, (d, r0, rows) => RecurrentBackwardRows(dims, d, caches[d], work[d], r, output, r0, rows));
            for (int d = 0; d < dirs; d++)
                FinishBackward(tape, dims, d, caches[d], work[d], x, w, r, bias, h0, c0);
        });
        return new RecurrentOutput(output, finalH, finalC);
    }

    private static void CheckState(Tensor? s, int dirs, int b, int h, string name)
    {
        if (s is not null && (s.Rank != 3 || s.Shape[0] != dirs || s.Shape[1] != b || s.Shape[2] != h))
            throw new ArgumentException($"Recurrent expects {name} ({dirs},{b},{h}); got {s}.", name);
    }

    /// <summary>dst (cols, rows) = srcᵀ for src (rows, cols), in blocks of 16 source rows (contiguous 64-byte writes).</summary>
    private static void Transpose(ReadOnlySpan<float> src, int rows, int cols, Span<float> dst)
    {
        if (src.Length < rows * cols || dst.Length < rows * cols) throw new ArgumentException("Transpose operands are too short.");
        ref float s0 = ref MemoryMarshal.GetReference(src);
        ref float d0 = ref MemoryMarshal.GetReference(dst);
        int r0 = 0;
        for (; r0 + 16 <= rows; r0 += 16)
        {
            for (int c = 0; c < cols; c++)
            {
                ref float d = ref Unsafe.Add(ref d0, (nint)c * rows + r0);
                ref float s = ref Unsafe.Add(ref s0, (nint)r0 * cols + c);
                for (int k = 0; k < 16; k++) Unsafe.Add(ref d, k) = Unsafe.Add(ref s, (nint)k * cols);
            }
        }
        for (; r0 < rows; r0++)
            for (int c = 0; c < cols; c++) dst[c * rows + r0] = src[r0 * cols + c];
    }

    /// <summary>Zeroes the rows b·T + t with t ≥ lengths[b] of a (B·T, width) matrix.</summary>
    private static void ClearPaddedRows(Span<float> rows, int[] lengths, int t, int width)
    {
        for (int i = 0; i < lengths.Length; i++)
            rows.Slice((i * t + lengths[i]) * width, (t - lengths[i]) * width).Clear();
    }

    /// <summary>Sizes and options shared by the forward and backward of one recurrent op.</summary>
    private sealed record RecurrentDims(RecurrentCellKind Cell, RnnActivation Activation, int B, int T, int I, int H, int Dirs,
        int Truncate, int[] Lengths)
    {
        public int G => GateCount(Cell);
        public int GH => G * H;

        /// <summary>True when every sequence has all T steps (then a step's rows are evenly strided in B·T order).</summary>
        public bool Uniform { get; } = Lengths.All(len => len == T);

        /// <summary>True when backward will run, so every step's states and gates are kept; else (inference) only
        /// the current step's gates and the two states around it are stored, in rolling buffers.</summary>
        public bool KeepAll { get; init; } = true;

        /// <summary>Stored gate steps: T, or 1 when not <see cref="KeepAll"/>.</summary>
        public int Steps => KeepAll ? T : 1;

        /// <summary>Stored states: T + 1, or 2 when not <see cref="KeepAll"/>.</summary>
        public int States => KeepAll ? T + 1 : 2;

        /// <summary>Batch-row chunks per direction that run the time loop concurrently (see <see cref="RunRowChunks"/>).</summary>
        public int ChunksPerDirection => Math.Max(1, Math.Min(WorkerPool.MaxThreads / Dirs, B / MinRowsPerChunk));

        /// <summary>
        /// Panel width of a per-step product's packed operand with <paramref name="n"/> columns: chosen for the rows of
        /// one chunk, so 8-row tiles cover chunks whose size is a multiple of 8 exactly (same sums for any choice).
        /// </summary>
        public int PanelWidth(int n) => SgemmPrepacked.PanelWidth(B / ChunksPerDirection, n);

        /// <summary>Time index processed at step <paramref name="s"/> for sequence <paramref name="b"/>, or −1 past its length.</summary>
        public int TimeAt(int d, int s, int b) => s >= Lengths[b] ? -1 : d == 0 ? s : Lengths[b] - 1 - s;
    }

    /// <summary>What backward needs from one direction's forward (all pooled, time-major by processing step s).</summary>
    private sealed class RecurrentCache
    {
        public RecurrentCache(TensorPool pool, RecurrentDims m)
        {
            _keepAll = m.KeepAll;
            Pre = pool.Rent(false, m.B * m.T, m.GH);
            Hs = pool.Rent(false, m.States, m.B, m.H);
            if (m.Cell != RecurrentCellKind.Rnn) Gates = pool.Rent(false, m.Steps, m.B, m.GH);
            if (m.Cell == RecurrentCellKind.Lstm)
            {
                Cs = pool.Rent(false, m.States, m.B, m.H);
                TanhC = pool.Rent(false, m.Steps, m.B, m.H);
            }
            if (m.Cell == RecurrentCellKind.Gru) RecH = pool.Rent(false, m.Steps, m.B, m.H);
            RPanelWidth = m.PanelWidth(m.GH);
            int packed = m.B > SgemmSmall.MaxRows ? SgemmPrepacked.PackedLength(m.H, m.GH, RPanelWidth) : 0;
            if (packed > 0) RPacked = pool.Rent(false, packed);
            else Rt = pool.Rent(false, m.H, m.GH);
            RowBias = pool.Rent(false, m.GH);
            if (m.Cell != RecurrentCellKind.Lstm) Rec = pool.Rent(false, m.B, m.GH);
        }

        /// <summary>(G·H) Wb + Rb (GRU: Wb only in the candidate block), added to every input projection.</summary>
        public Tensor RowBias { get; }

        /// <summary>(H, G·H) Rᵀ of this direction, when <see cref="RPacked"/> is not used.</summary>
        public Tensor? Rt { get; }

        /// <summary>Rᵀ packed once for the per-step products (batches above the few-row path, AVX-512), or null.</summary>
        public Tensor? RPacked { get; }

        /// <summary>Offset of the packed data in <see cref="RPacked"/>.</summary>
        public int RPackedOffset { get; set; }

        /// <summary>Panel width of <see cref="RPacked"/>.</summary>
        public int RPanelWidth { get; }

        /// <summary>C (rows, G·H) (+)= h (rows, H) · Rᵀ: the per-step recurrent product.</summary>
        public void Product(int rows, int gh, int h, ReadOnlySpan<float> hRows, Span<float> c, bool accumulate)
        {
            if (RPacked is not null) SgemmPrepacked.Multiply(rows, gh, h, hRows, h, RPacked.Span, RPackedOffset, c, gh, accumulate, RPanelWidth);
            else Sgemm.Multiply(false, false, rows, gh, h, hRows, h, Rt!.Span, gh, c, gh, accumulate);
        }

        /// <summary>(B, G·H) one step's recurrent projection (RNN, GRU; the LSTM accumulates into its gates).</summary>
        public Tensor? Rec { get; }

        private readonly bool _keepAll;

        /// <summary>Index in <see cref="Hs"/>/<see cref="Cs"/> of the state entering step <paramref name="s"/>.</summary>
        public int State(int s) => _keepAll ? s : s & 1;

        /// <summary>Index in <see cref="Gates"/>, <see cref="TanhC"/>, <see cref="RecH"/> of step <paramref name="s"/>.</summary>
        public int Step(int s) => _keepAll ? s : 0;

        /// <summary>(B·T, G·H) rows b·T + t: x_t·Wᵀ, plus <see cref="RowBias"/> (RNN, GRU; the LSTM adds it per step).</summary>
        public Tensor Pre { get; }

        /// <summary>(States, B, H): the state entering step s at <see cref="State"/>(s); (T+1, B, H) when backward runs.</summary>
        public Tensor Hs { get; }

        /// <summary>(Steps, B, G·H) gate activations (LSTM i,o,f,c̃; GRU z,r,h̃), null for RNN.</summary>
        public Tensor? Gates { get; }

        /// <summary>(States, B, H) LSTM cell states.</summary>
        public Tensor? Cs { get; }

        /// <summary>(Steps, B, H) LSTM tanh(c_t).</summary>
        public Tensor? TanhC { get; }

        /// <summary>(Steps, B, H) GRU R_h h_{t−1} + Rb_h.</summary>
        public Tensor? RecH { get; }
    }

    /// <summary>
    /// Minimum batch rows per concurrently processed chunk. Sequences are independent in the recurrence, so each
    /// direction's batch is split into row chunks that run the whole time loop on their own core, with single-threaded
    /// per-step products: no synchronisation per step (a per-step product of 64×512×128 is too small to split well).
    /// </summary>
    private const int MinRowsPerChunk = 16;

    /// <summary>
    /// Runs <paramref name="body"/>(direction, first row, rows) over every direction and batch-row chunk, concurrently
    /// when there are several (each chunk on one thread, its products single-threaded). Every row's arithmetic is
    /// the same whatever the chunking (the products sum each element in the same order for any number of rows), so
    /// results do not depend on the thread count or on timing.
    /// </summary>
    private static void RunRowChunks(RecurrentDims m, Action<int, int, int> body)
    {
        int perDir = m.ChunksPerDirection;
        int tasks = m.Dirs * perDir;
        if (tasks == 1)
        {
            body(0, 0, m.B);
            return;
        }
        // On the engine's WorkerPool, not the .NET thread pool: a worker still spinning after the previous product would
        // otherwise compete with the pool's threads for the same cores (measured step times from 12.6 to 18 ms).
        WorkerPool.ParallelFor(tasks, k =>
        {
            int d = k / perDir, c = k % perDir;
            int r0 = c * m.B / perDir, r1 = (c + 1) * m.B / perDir;
            bool serial = WorkerPool.Serial;
            WorkerPool.Serial = true;
            try
            {
                body(d, r0, r1 - r0);
            }
            finally
            {
                WorkerPool.Serial = serial;
            }
        });
    }

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

    /// <summary>Per-direction buffers of the backward time loop (pooled, rented before the loop runs).</summary>
    private sealed class RecurrentBackwardWork
    {
        public RecurrentBackwardWork(TensorPool pool, RecurrentDims m, int d, Tensor r, Tensor finalH, Tensor? finalC)
        {
            var rd = r.Span.Slice(d * m.GH * m.H, m.GH * m.H);
            int b = m.B, t = m.T, h = m.H, gh = m.GH, bh = b * h;
            bool lstm = m.Cell == RecurrentCellKind.Lstm, gru = m.Cell == RecurrentCellKind.Gru;
            DGx = pool.Rent(false, b * t, gh);
            ClearPaddedRows(DGx.Span, m.Lengths, t, gh); // every other row is written by the time loop
            if (gru) DGr = pool.Rent(true, t * b, gh);
            else if (!m.Uniform) DGstep = pool.Rent(false, b, gh);
            RPanelWidth = m.PanelWidth(h);
            int packed = b > SgemmSmall.MaxRows ? SgemmPrepacked.PackedLength(gh, h, RPanelWidth) : 0;
            if (packed > 0)
            {
                RPacked = pool.Rent(false, packed);
                RPackedOffset = SgemmPrepacked.Pack(false, gh, h, rd, h, RPacked.Span, RPanelWidth);
            }
            Dh = pool.Rent(true, b, h);
            DhPrev = pool.Rent(false, b, h);
            if (finalH.Grad is not null) finalH.Grad.Span.Slice(d * bh, bh).CopyTo(Dh.Span);
            if (lstm)
            {
                Dc = pool.Rent(true, b, h);
                if (finalC!.Grad is not null) finalC.Grad.Span.Slice(d * bh, bh).CopyTo(Dc.Span);
            }
        }

        /// <summary>(B·T, G·H) rows b·T + t: gradient w.r.t. the input-side pre-activations (zero rows for padded steps).</summary>
        public Tensor DGx { get; }

        /// <summary>GRU: (T·B, G·H) rows s·B + b, w.r.t. the recurrent-side ones (they differ in the candidate block).</summary>
        public Tensor? DGr { get; }

        /// <summary>Non-GRU with padding: (B, G·H) one step's recurrent-side gradient (equal to its rows of dG_x).
        /// Without padding the step product reads those rows of dG_x in place (stride T·G·H).</summary>
        public Tensor? DGstep { get; }

        /// <summary>(B, H) dh entering the current step from above; on return, dh_0 (the gradient of h0).</summary>
        public Tensor Dh { get; }

        /// <summary>R (G·H, H) packed once for the per-step products, or null (few rows, no AVX-512).</summary>
        public Tensor? RPacked { get; }

        /// <summary>Offset of the packed data in <see cref="RPacked"/>.</summary>
        public int RPackedOffset { get; }

        /// <summary>Panel width of <see cref="RPacked"/>.</summary>
        public int RPanelWidth { get; }

        /// <summary>dh_{t−1} (rows, H) = dG (rows, G·H, row stride <paramref name="lda"/>) · R (G·H, H).</summary>
        public void Product(int rows, int gh, int h, ReadOnlySpan<float> dG, int lda, ReadOnlySpan<float> rd, Span<float> dhPrev)
        {
            if (RPacked is not null) SgemmPrepacked.Multiply(rows, h, gh, dG, lda, RPacked.Span, RPackedOffset, dhPrev, h, false, RPanelWidth);
            else Sgemm.Multiply(false, false, rows, h, gh, dG, lda, rd, h, dhPrev, h, accumulate: false);
        }

        /// <summary>(B, H) scratch for dh_{t−1}.</summary>
        public Tensor DhPrev { get; }

        /// <summary>LSTM (B, H) dc; on return, dc_0.</summary>
        public Tensor? Dc { get; }
    }

    /// <summary>Back-propagation through time of one direction for batch rows [r0, r0 + rows).</summary>
    private static void RecurrentBackwardRows(RecurrentDims m, int d, RecurrentCache cache, RecurrentBackwardWork work, Tensor r,
        Tensor output, int r0, int rows)
    {
        int b = m.B, t = m.T, h = m.H, gh = m.GH, bh = b * h, outF = m.Dirs * h;
        var rd = r.Span.Slice(d * gh * h, gh * h);
        bool lstm = m.Cell == RecurrentCellKind.Lstm, gru = m.Cell == RecurrentCellKind.Gru;
        var dOut = output.Grad is null ? default : output.Grad.Span;
        bool hasDOut = output.Grad is not null;
        var dGx = work.DGx.Span;
        var dGr = gru ? work.DGr!.Span : default;
        var dGstep = work.DGstep is null ? default : work.DGstep.Span;
        bool inPlace = !gru && m.Uniform; // step rows of dG_x are evenly strided: no per-step copy
        var dh = work.Dh.Span;
        var dhPrev = work.DhPrev.Span;
        var dc = lstm ? work.Dc!.Span : default;
        var hs = cache.Hs.Span;
        var gates = cache.Gates is null ? default : cache.Gates.Span;

        for (int s = t - 1; s >= 0; s--)
        {
            var step = gru ? dGr.Slice(s * b * gh, b * gh) : dGstep;
            if (!gru && !inPlace) step.Slice(r0 * gh, rows * gh).Clear();
            for (int i = r0; i < r0 + rows; i++)
            {
                int time = m.TimeAt(d, s, i);
                if (time < 0) continue; // padded step: dh (and dc) pass through unchanged
                var dhb = dh.Slice(i * h, h);
                if (hasDOut) TensorPrimitives.Add(dhb, dOut.Slice((i * t + time) * outF + d * h, h), dhb);
                var gx = dGx.Slice((i * t + time) * gh, gh);
                var gr = inPlace ? default : step.Slice(i * gh, gh);
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
                if (!gru && !inPlace) gx.CopyTo(gr);
            }

            // dh_{t−1} (B, H) = dG_rec (B, G·H) · R (G·H, H) + direct path (padded rows: dh itself).
            var dhRows = dh.Slice(r0 * h, rows * h);
            var dhPrevRows = dhPrev.Slice(r0 * h, rows * h);
            if (inPlace)
            {
                int time = d == 0 ? s : t - 1 - s;
                work.Product(rows, gh, h, dGx.Slice((r0 * t + time) * gh), t * gh, rd, dhPrevRows);
            }
            else
            {
                work.Product(rows, gh, h, step.Slice(r0 * gh, rows * gh), gh, rd, dhPrevRows);
            }
            TensorPrimitives.Add(dhPrevRows, dhRows, dhPrevRows);
            if (m.Truncate > 0 && s > 0 && s % m.Truncate == 0)
            {
                // Chunk boundary: the state entering step s is a constant for backward (active sequences only,
                // so padding does not change a sequence's gradients).
                for (int i = r0; i < r0 + rows; i++)
                {
                    if (s >= m.Lengths[i]) continue;
                    dhPrev.Slice(i * h, h).Clear();
                    if (lstm) dc.Slice(i * h, h).Clear();
                }
            }
            dhPrevRows.CopyTo(dhRows);
        }
    }

    /// <summary>
    /// Weight gradient dW (G·H, F) += dGᵀ (G·H, R) · X (R, F) over R rows (all steps), computed as
    /// dWᵀ (F, G·H) = Xᵀ · dG with both transposes made explicitly: the plain product runs about 1.3–1.6× faster on two
    /// cores than one that packs the transposed dG (measured 128×512×3200: 185 against 126–142 GFLOP/s).
    /// </summary>
    private static void AddTransposedProduct(TensorPool pool, int rows, int f, int gh, ReadOnlySpan<float> x, ReadOnlySpan<float> dG, Span<float> dW)
    {
        var xT = pool.Rent(false, f, rows).Span;
        BatchedTranspose.Run(x, xT, 1, rows, f, accumulate: false);
        var dWT = pool.Rent(false, f, gh).Span;
        Sgemm.Multiply(false, false, f, gh, rows, xT, rows, dG, gh, dWT, gh, accumulate: false);
        BatchedTranspose.Run(dWT, dW, 1, f, gh, accumulate: true);
    }

    /// <summary>Parameter, input and initial-state gradients of one direction from the stored step gradients.</summary>
    private static void FinishBackward(Tape tape, RecurrentDims m, int d, RecurrentCache cache, RecurrentBackwardWork work,
        Tensor x, Tensor w, Tensor r, Tensor bias, Tensor? h0, Tensor? c0)
    {
        int b = m.B, t = m.T, h = m.H, gh = m.GH, bh = b * h;
        var pool = tape.Pool;
        var wd = w.Span.Slice(d * gh * m.I, gh * m.I);
        bool lstm = m.Cell == RecurrentCellKind.Lstm, gru = m.Cell == RecurrentCellKind.Gru;
        var dGx = work.DGx.Span;
        var dGr = gru ? work.DGr!.Span : default;
        var dh = work.Dh.Span;
        var dc = lstm ? work.Dc!.Span : default;
        var hs = cache.Hs.Span;


        if (h0 is { RequiresGrad: true }) TensorPrimitives.Add(tape.GradOf(h0).Span.Slice(d * bh, bh), dh, tape.GradOf(h0).Span.Slice(d * bh, bh));
        if (c0 is { RequiresGrad: true }) TensorPrimitives.Add(tape.GradOf(c0).Span.Slice(d * bh, bh), dc, tape.GradOf(c0).Span.Slice(d * bh, bh));

        if (r.RequiresGrad)
        {
            var dR = tape.GradOf(r).Span.Slice(d * gh * h, gh * h);
            if (gru)
            {
                // dR (G·H, H) += dG_recᵀ (G·H, T·B) · h_{s−1} (T·B, H): one SGEMM over all steps.
                AddTransposedProduct(pool, t * b, h, gh, hs, dGr, dR);
            }
            else
            {
                // dG_rec = dG_x; gather the states that entered each (b, t) into batch-first order: prevStates (B·T, H).
                var prevStates = pool.Rent(false, b * t, h).Span;
                ClearPaddedRows(prevStates, m.Lengths, t, h);
                for (int s = 0; s < t; s++)
                    for (int i = 0; i < b; i++)
                    {
                        int time = m.TimeAt(d, s, i);
                        if (time >= 0) hs.Slice(s * bh + i * h, h).CopyTo(prevStates.Slice((i * t + time) * h, h));
                    }
                AddTransposedProduct(pool, b * t, h, gh, prevStates, dGx, dR);
            }
        }
        // dW (G·H, I) += dG_xᵀ (G·H, B·T) · x (B·T, I);  dx (B·T, I) += dG_x (B·T, G·H) · W (G·H, I).
        if (w.RequiresGrad) AddTransposedProduct(pool, b * t, m.I, gh, x.Span, dGx, tape.GradOf(w).Span.Slice(d * gh * m.I, gh * m.I));
        if (x.RequiresGrad) Sgemm.Multiply(false, false, b * t, m.I, gh, dGx, gh, wd, m.I, tape.GradOf(x).Span, m.I, accumulate: true);
        if (bias.RequiresGrad)
        {
            var db = tape.GradOf(bias).Span;
            var dWb = db.Slice(d * 2 * gh, gh);
            var dRb = db.Slice(d * 2 * gh + gh, gh);
            // Column sums of dG_x (and of dG_rec for GRU; otherwise the same sums serve Rb too).
            var sum = pool.Rent(true, gh).Span;
            for (int row = 0; row < b * t; row++) TensorPrimitives.Add(sum, dGx.Slice(row * gh, gh), sum);
            TensorPrimitives.Add(dWb, sum, dWb);
            if (gru)
            {
                sum.Clear();
                for (int row = 0; row < t * b; row++) TensorPrimitives.Add(sum, dGr.Slice(row * gh, gh), sum);
            }
            TensorPrimitives.Add(dRb, sum, dRb);
        }
    }
}
