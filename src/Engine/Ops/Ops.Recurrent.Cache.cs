using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
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
}
