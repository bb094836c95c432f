using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine;

internal static partial class Ops
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
}
