using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine;

public static partial class Ops
{
    /// <summary>
    /// 2-D cross-correlation (PyTorch Conv2d, ONNX Conv with group = 1):
    /// y[b, o, oh, ow] = bias[o] + Σ_{c,i,j} W[o, c, i, j] · x[b, c, oh·sh − ph + i·dh, ow·sw − pw + j·dw] (zero padding).
    /// Where it applies (AVX-512, O a multiple of 8, few dropped columns) y is an indirect GEMM over x's zero-padded
    /// polyphase plane (<see cref="IndirectConv"/>, any stride); small stride-1 maps it would pad with dropped columns from
    /// a channels-last copy (<see cref="ChannelsLastConv"/>); otherwise im2col + SGEMM: y_b (O, Ho·Wo) = W (O, C·kh·kw)
    /// · col_b (C·kh·kw, Ho·Wo), several batch items per SGEMM when their column matrices fit a budget, col written
    /// straight into packed SGEMM panels. Backward: db += Σ dY; dW from a channels-last copy of each item when C is a
    /// multiple of 16 (<see cref="ChannelsLastWeightGradient"/>), else dW += dY_b · col_bᵀ; dx with stride 1 as the
    /// convolution of dY with the flipped weights (indirect, channels-last, or unfolded into packed panels), with a
    /// larger stride phase by phase into the polyphase plane (<see cref="PhaseInputGradient"/>) or dcol = Wᵀ · dY_b
    /// folded back (col2im); dx is written when its gradient buffer is fresh, added to otherwise. Column matrices and
    /// planes are recomputed in backward rather than kept for every batch item, so scratch memory is bounded per layer,
    /// not proportional to the batch.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, H, W)</param>
    /// <param name="weight">(O, C, kh, kw)</param>
    /// <param name="bias">(O), or null</param>
    /// <param name="window">Kernel (must match the weight), stride, padding, dilation.</param>
    /// <returns>(B, O, Ho, Wo)</returns>
    public static Tensor Conv2d(Tape tape, Tensor x, Tensor weight, Tensor? bias, Window2d window)
    {
        window.Validate(nameof(Conv2d));
        if (x.Rank != 4 || weight.Rank != 4 || weight.Shape[1] != x.Shape[1] || weight.Shape[2] != window.KernelH || weight.Shape[3] != window.KernelW)
            throw new ArgumentException($"Conv2d expects x (B,C,H,W) and weight (O,C,{window.KernelH},{window.KernelW}); got {x} and {weight}.");
        int b = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3], o = weight.Shape[0];
        window.CheckInput(nameof(Conv2d), h, w);
        return ConvCore(tape, x, weight, bias, b, c, h, w, o, window, [b, o, window.OutH(h), window.OutW(w)]);
    }

    /// <summary>1-D cross-correlation (PyTorch Conv1d, ONNX Conv over one spatial axis); the 2-D kernel with H = 1.</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, L)</param>
    /// <param name="weight">(O, C, k)</param>
    /// <param name="bias">(O), or null</param>
    /// <param name="stride">Step between outputs.</param>
    /// <param name="padding">Zero padding at each end.</param>
    /// <param name="dilation">Tap spacing.</param>
    /// <returns>(B, O, Lo) with Lo = ⌊(L + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1</returns>
    public static Tensor Conv1d(Tape tape, Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0, int dilation = 1)
    {
        if (x.Rank != 3 || weight.Rank != 3 || weight.Shape[1] != x.Shape[1])
            throw new ArgumentException($"Conv1d expects x (B,C,L) and weight (O,C,k) with equal C; got {x} and {weight}.");
        var window = Window2d.Line(weight.Shape[2], stride, padding, dilation);
        window.Validate(nameof(Conv1d));
        int b = x.Shape[0], c = x.Shape[1], l = x.Shape[2], o = weight.Shape[0];
        window.CheckInput(nameof(Conv1d), 1, l);
        return ConvCore(tape, x, weight, bias, b, c, 1, l, o, window, [b, o, window.OutW(l)]);
    }

    /// <summary>
    /// Upper bound, in floats, of the column matrix (C·kh·kw, G·Ho·Wo) that G batch items share in one SGEMM. Batching
    /// items widens the product (small feature maps otherwise give skinny GEMMs) while bounding the scratch memory each
    /// convolution needs (tape scratch, shared by all layers). 0 forces one SGEMM per item. 128 Ki floats (512 KiB) keeps
    /// col in the L2 cache between im2col and packing: measured 15–25% faster per convolution (forward + backward) than
    /// 1 Mi floats on ResNet-small, LeNet and TextCNN layers, and the same within noise as 32–256 Ki.
    /// </summary>
    internal static int ConvColumnBudget { get; set; } = 1 << 17;

    /// <summary>Shared convolution: x viewed as (B, C, H, W), weight as (O, K = C·kh·kw), output as (B, O, N = Ho·Wo).</summary>
    /// <remarks>
    /// G items at a time: col (K, G·N) holds their column matrices side by side (packed, see
    /// <see cref="PackedUnfoldProduct"/>) and Y_G (O, G·N) = W · col in one SGEMM, then Y_G is copied to the items'
    /// (O, N) blocks. col, Y_G and the backward buffers live in the tape's scratch (per-thread buffers when the batch is
    /// split into chunks on two threads). With G = 1 the SGEMM writes y directly, and a 1×1, stride 1, unpadded
    /// convolution reads x itself as col.
    /// </remarks>
    private static Tensor ConvCore(Tape tape, Tensor x, Tensor weight, Tensor? bias, int b, int c, int h, int w, int o,
        Window2d window, int[] outShape)
    {
        if (bias is not null && bias.Length != o)
            throw new ArgumentException($"Convolution bias has {bias.Length} elements, expected {o}.", nameof(bias));
        int k = c * window.KernelH * window.KernelW;
        int n = window.OutH(h) * window.OutW(w);
        int imageSize = c * h * w;
        // A 1×1, stride 1, unpadded convolution reads x as its column matrix; grouping would only add copies.
        bool direct = window.KernelH == 1 && window.KernelW == 1 && window.StrideH == 1 && window.StrideW == 1
            && window.PadH == 0 && window.PadW == 0;
        // The indirect GEMM works per item, so it never groups items.
        bool indirectShape = !direct && IndirectConv.Applies(window, o, w);
        int group = direct || indirectShape ? 1 : (int)Math.Clamp(ConvColumnBudget / Math.Max(1L, (long)k * n), 1, Math.Max(b, 1));
        int gn = group * n;

        var y = tape.NewOutput(outShape, x, weight, bias);
        var geo = new ConvGeometry(b, c, h, w, o, k, n, group, direct, false, window);
        // Batch items are split into fixed chunks run on up to two threads (each chunk with serial SGEMMs and its own
        // scratch): one synchronisation per convolution instead of one per SGEMM, and im2col/col2im run in parallel
        // too. Chunks are fixed by the shape, never by timing, so results are deterministic.
        int chunks = ConvChunks(geo);
        // The indirect GEMM and im2col straight into packed panels both run each product single-threaded: inside
        // chunks, or when the product is too small for SGEMM's own threads anyway.
        bool serialProducts = chunks > 1 || 2L * o * gn * k < WorkerPool.MinParallelFlops;
        bool indirect = indirectShape && serialProducts;
        // Small maps the indirect GEMM would pad with dropped columns (8×8 with 64 channels): from a channels-last copy.
        bool channelsLast = !direct && !indirect && serialProducts && ChannelsLastConv.Applies(window, c, o, w);
        geo = geo with
        {
            IndirectForward = indirect, ChannelsLastForward = channelsLast,
            PackedForward = !direct && !indirect && !channelsLast && serialProducts && PackedUnfoldApplies(window, gn),
        };
        // Scratch: the padded plane (indirect), channels-last work, packed or plain col; the wide output (indirect) or Y_G (groups).
        int colLength = direct ? 0 : indirect ? IndirectConv.PaddedLength(c, h, w, window) : channelsLast ? ChannelsLastConv.WorkLength(c, o, h, w, window)
            : geo.PackedForward ? PackedUnfoldLength(window, c, gn) : k * gn;
        int wideLength = indirect ? IndirectConv.WideLength(o, h, w, window) : group > 1 ? o * gn : 0;
        int rowsLength = geo.PackedForward ? n : 0;
        Tensor? offsets = null;
        if (indirect)
        {
            offsets = tape.Pool.Rent(false, k); // int tap offsets stored bit-for-bit in a pooled float buffer
            IndirectConv.Offsets(MemoryMarshal.Cast<float, int>(offsets.Span), c, h, w, window);
        }
        Tensor? reordered = null;
        if (channelsLast)
        {
            reordered = tape.Pool.Rent(false, k * o); // W laid out (taps, C, O), read by every chunk
            ChannelsLastConv.Reorder(weight.Span, o, c, window.KernelH * window.KernelW, transposed: false, reordered.Span);
        }
        if (chunks == 1)
        {
            ConvForwardRange(tape.Scratch(ScratchSlot.Col, colLength), tape.Scratch(ScratchSlot.Wide, wideLength), tape.Scratch(ScratchSlot.Rows, rowsLength), offsets, reordered, x, weight, y, geo, 0, b);
        }
        else
        {
            WorkerPool.ParallelFor(chunks, ci =>
            {
                var (s0, s1) = ChunkItems(geo, ci, chunks);
                ConvForwardRange(ConvThreadScratch.Get(ScratchSlot.Col, colLength), ConvThreadScratch.Get(ScratchSlot.Wide, wideLength),
                    ConvThreadScratch.Get(ScratchSlot.Rows, rowsLength),
                    offsets, reordered, x, weight, y, geo, s0, s1);
            });
        }
        var ys = y.Span;
        if (bias is not null)
        {
            var bs = bias.Span;
            for (int bi = 0; bi < b; bi++)
                for (int oc = 0; oc < o; oc++)
                {
                    var row = ys.Slice((bi * o + oc) * n, n);
                    TensorPrimitives.Add(row, bs[oc], row);
                }
        }

        tape.Record(y, () =>
        {
            Tensor? dw = weight.RequiresGrad ? tape.GradOf(weight) : null;
            bool dxOverwrite = false;
            Tensor? dx = x.RequiresGrad ? tape.GradForWrite(x, out dxOverwrite) : null;
            if (b > 0 && (dw is not null || dx is not null))
            {
                var plan = ConvBackwardPlan.Create(geo, dw is not null, dx is not null, dxOverwrite, tape);
                plan.FlipWeight(weight.Span, geo);
                // dWᵀ (K, O) per chunk, summed in chunk order afterwards (deterministic).
                var dwT = dw is null ? default : tape.Scratch(ScratchSlot.DwT, chunks * k * o);
                if (chunks == 1)
                {
                    var buffers = new ConvBackwardBuffers(tape.Scratch(ScratchSlot.Col, plan.ColLength), tape.Scratch(ScratchSlot.Wide, plan.WideLength),
                        tape.Scratch(ScratchSlot.Dcol, plan.DcolLength), tape.Scratch(ScratchSlot.Rows, plan.RowsLength));
                    ConvBackwardRange(buffers, dwT, x, weight, y, dw is not null, dx, geo, plan, offsets, 0, b);
                }
                else
                {
                    var dwTArray = dw is null ? null : tape.ScratchArray(ScratchSlot.DwT);
                    WorkerPool.ParallelFor(chunks, ci =>
                    {
                        var (s0, s1) = ChunkItems(geo, ci, chunks);
                        var buffers = new ConvBackwardBuffers(ConvThreadScratch.Get(ScratchSlot.Col, plan.ColLength),
                            ConvThreadScratch.Get(ScratchSlot.Wide, plan.WideLength), ConvThreadScratch.Get(ScratchSlot.Dcol, plan.DcolLength),
                            ConvThreadScratch.Get(ScratchSlot.Rows, plan.RowsLength));
                        var part = dwTArray is null ? default : dwTArray.AsSpan(ci * k * o, k * o);
                        ConvBackwardRange(buffers, part, x, weight, y, dw is not null, dx, geo, plan, offsets, s0, s1);
                    });
                }
                if (dw is not null)
                {
                    // Chunk parts summed in chunk order (deterministic), then dW (O, C, taps) += the sum's transpose:
                    // of dWᵀ (K, O), or per output channel of (O, taps, C) for the channels-last path.
                    var first = dwT[..(k * o)];
                    for (int ci = 1; ci < chunks; ci++) TensorPrimitives.Add(first, dwT.Slice(ci * k * o, k * o), first);
                    int taps = window.KernelH * window.KernelW;
                    if (plan.ChannelsLastDw) BatchedTranspose.Run(first, dw.Span, o, taps, c, accumulate: true);
                    else BatchedTranspose.Run(first, dw.Span, 1, k, o, accumulate: true);
                }
            }
            var dy = y.Grad!.Span;
            if (bias is { RequiresGrad: true })
            {
                var db = tape.GradOf(bias).Span;
                for (int bi = 0; bi < b; bi++)
                    for (int oc = 0; oc < o; oc++) db[oc] += TensorPrimitives.Sum(dy.Slice((bi * o + oc) * n, n));
            }
        });
        return y;
    }

    /// <summary>
    /// Shape of one convolution call: B, C, H, W, O, K = C·kh·kw, N = Ho·Wo, items per SGEMM, 1×1 direct, forward
    /// column matrix written straight into packed SGEMM panels, or forward as an indirect GEMM (<see cref="IndirectConv"/>).
    /// </summary>
    private readonly record struct ConvGeometry(int B, int C, int H, int W, int O, int K, int N, int Group, bool Direct, bool PackedForward,
        Window2d Window, bool IndirectForward = false, bool ChannelsLastForward = false)
    {
        public int ImageSize => C * H * W;
    }

    /// <summary>
    /// Channels of one packed column block: at most KC rows deep, so one prepacked product takes it, and the blocks of
    /// <paramref name="channels"/> as even as possible (64 channels of 3×3 taps: 2 × 288 rows, not 504 + 72).
    /// </summary>
    private static int PackedBlockChannels(in Window2d window, int channels)
    {
        int taps = window.KernelH * window.KernelW, most = Math.Max(1, SgemmDriver<Avx512Kernel6x64>.KC / taps);
        int blocks = (channels + most - 1) / most;
        return (channels + blocks - 1) / Math.Max(1, blocks);
    }

    /// <summary>True when column matrices of total width <paramref name="width"/> can be unfolded into packed panels.</summary>
    private static bool PackedUnfoldApplies(in Window2d window, int width) =>
        window.KernelH * window.KernelW <= SgemmDriver<Avx512Kernel6x64>.KC
        && SgemmPrepacked.PackedLength(window.KernelH * window.KernelW, width, 16) > 0;

    /// <summary>Floats of one packed column block (≤ KC rows, width ≤ <paramref name="width"/>, any panel width ≤ 64) plus alignment slack.</summary>
    private static int PackedUnfoldLength(in Window2d window, int channels, int width) =>
        PackedBlockChannels(window, channels) * window.KernelH * window.KernelW * ((width + 63) / 64 * 64) + 16;

    /// <summary>
    /// out (M, G·N) (+)= A (M, C·kh·kw) · [col_1 … col_G]: the column matrices of <paramref name="count"/> images are
    /// unfolded straight into packed panels, in blocks of channels at most KC rows deep, each block multiplied by the
    /// matching columns of A (the first block writes or adds as <paramref name="accumulate"/> says, later blocks add).
    /// </summary>
    /// <param name="m">Rows of A and out.</param>
    /// <param name="a">(M, C·kh·kw) row-major.</param>
    /// <param name="images">The images, (C, H, W) each, <paramref name="imageSize"/> apart.</param>
    /// <param name="imageSize">C·H·W.</param>
    /// <param name="count">G, images side by side.</param>
    /// <param name="channels">C</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    /// <param name="window">The unfolding window.</param>
    /// <param name="packedBuffer">At least <see cref="PackedUnfoldLength"/> floats.</param>
    /// <param name="rowScratch">At least N floats.</param>
    /// <param name="output">(M, G·N), rows <paramref name="ldo"/> apart.</param>
    /// <param name="ldo">Row stride of output.</param>
    /// <param name="accumulate">Add the product to output instead of overwriting it.</param>
    private static void PackedUnfoldProduct(int m, ReadOnlySpan<float> a, ReadOnlySpan<float> images, int imageSize, int count, int channels,
        int h, int w, in Window2d window, Span<float> packedBuffer, Span<float> rowScratch, Span<float> output, int ldo, bool accumulate)
    {
        int taps = window.KernelH * window.KernelW, n = window.OutH(h) * window.OutW(w), width = count * n, k = channels * taps;
        int block = PackedBlockChannels(window, channels);
        for (int c0 = 0; c0 < channels; c0 += block)
        {
            int c1 = Math.Min(channels, c0 + block), rows = (c1 - c0) * taps;
            int offset = SgemmPrepacked.AlignedOffset(packedBuffer), nr = SgemmPrepacked.PanelWidth(m, width);
            var packed = new PackedRowWriter(packedBuffer[offset..], rows, width, nr);
            for (int i = 0; i < count; i++)
                Im2Col.UnfoldPacked(packed, i * n, images.Slice(i * imageSize, imageSize), c0, c1, h, w, window, rowScratch);
            packed.ClearPadding();
            SgemmPrepacked.Multiply(m, width, rows, a[(c0 * taps)..], k, packedBuffer, offset, output, ldo, accumulate || c0 > 0, nr);
        }
    }

    /// <summary>Below this many multiply-adds per forward call a convolution stays on one thread.</summary>
    private const long ConvParallelMinMacs = 2_000_000;

    /// <summary>Number of fixed item chunks: 1 (serial), else 2 per available thread (dynamic load balance), at most one per SGEMM group.</summary>
    private static int ConvChunks(in ConvGeometry g)
    {
        int threads = Math.Min(Environment.ProcessorCount, WorkerPool.MaxThreads);
        if (threads < 2 || WorkerPool.Serial || (long)g.O * g.K * g.N * g.B < ConvParallelMinMacs) return 1;
        int groups = (g.B + g.Group - 1) / g.Group;
        return Math.Min(groups, 2 * threads);
    }

    /// <summary>
    /// Items [s0, s1) of chunk <paramref name="ci"/>: sizes differing by at most one item, each chunk then taken in SGEMM
    /// groups of at most <see cref="ConvGeometry.Group"/> (32 items, group 3, 4 chunks: 8 items each as 3 + 3 + 2).
    /// Splitting by whole groups instead (6, 9, 9, 8 items) left one thread idle for up to a group's work: measured
    /// 0.91–0.94 against 0.97–0.99 ms forward and 1.87–1.94 against 2.02–2.09 ms backward at 64×8×8 → 64, batch 32.
    /// </summary>
    private static (int, int) ChunkItems(in ConvGeometry g, int ci, int chunks) =>
        ((int)((long)ci * g.B / chunks), (int)((long)(ci + 1) * g.B / chunks));

    /// <summary>
    /// Forward of items [s0, s1): per item as an indirect GEMM (tap <paramref name="offsets"/>) or from a channels-last
    /// copy (<paramref name="reordered"/> weights), or im2col of G items (into <paramref name="col"/>, plain or packed),
    /// Y_G = W · col, copied to the items' (O, N) blocks.
    /// </summary>
    private static void ConvForwardRange(Span<float> col, Span<float> wide, Span<float> rowScratch, Tensor? offsets, Tensor? reordered,
        Tensor x, Tensor weight, Tensor y, in ConvGeometry g, int s0, int s1)
    {
        int o = g.O, k = g.K, n = g.N, gn = g.Group * n, imageSize = g.ImageSize;
        var ys = y.Span;
        if (g.ChannelsLastForward)
        {
            for (int bi = s0; bi < s1; bi++)
                ChannelsLastConv.Forward(x.Span.Slice(bi * imageSize, imageSize), reordered!.Span, ys.Slice(bi * o * n, o * n), g.C, o, g.H, g.W, g.Window,
                    col, accumulate: false);
            return;
        }
        if (g.IndirectForward)
        {
            var offs = MemoryMarshal.Cast<float, int>(offsets!.Span);
            for (int bi = s0; bi < s1; bi++)
                IndirectConv.Forward(x.Span.Slice(bi * imageSize, imageSize), weight.Span, ys.Slice(bi * o * n, o * n), g.C, g.H, g.W, o,
                    g.Window, offs, col, wide);
            return;
        }
        for (int b0 = s0; b0 < s1; b0 += g.Group)
        {
            int gi0 = Math.Min(g.Group, s1 - b0);
            if (g.PackedForward)
            {
                var images = x.Span.Slice(b0 * imageSize, gi0 * imageSize);
                if (g.Group == 1)
                {
                    PackedUnfoldProduct(o, weight.Span, images, imageSize, 1, g.C, g.H, g.W, g.Window, col, rowScratch, ys.Slice(b0 * o * n, o * n), n, false);
                    continue;
                }
                PackedUnfoldProduct(o, weight.Span, images, imageSize, gi0, g.C, g.H, g.W, g.Window, col, rowScratch, wide, gn, false);
                CopyGroupOut(wide, ys, b0, gi0, o, n, gn);
                continue;
            }
            ReadOnlySpan<float> src = g.Direct ? x.Span.Slice(b0 * imageSize, imageSize) : Unfold(col, x, b0, gi0, n, gn, g.C, g.H, g.W, g.Window);
            if (g.Group == 1)
            {
                Sgemm.Multiply(false, false, o, n, k, weight.Span, k, src, gn, ys.Slice(b0 * o * n, o * n), n, accumulate: false);
            }
            else
            {
                Sgemm.Multiply(false, false, o, gi0 * n, k, weight.Span, k, src, gn, wide, gn, accumulate: false);
                CopyGroupOut(wide, ys, b0, gi0, o, n, gn);
            }
        }
    }

    /// <summary>Copies Y_G (O, G·N) to the (O, N) blocks of items b0 … b0+G−1 of y.</summary>
    private static void CopyGroupOut(ReadOnlySpan<float> wide, Span<float> ys, int b0, int g, int o, int n, int gn)
    {
        for (int gi = 0; gi < g; gi++)
            for (int oc = 0; oc < o; oc++)
                wide.Slice(oc * gn + gi * n, n).CopyTo(ys.Slice(((b0 + gi) * o + oc) * n, n));
    }

    /// <summary>Per-thread work buffers of one backward range (lengths from <see cref="ConvBackwardPlan"/>).</summary>
    private readonly ref struct ConvBackwardBuffers(Span<float> col, Span<float> wide, Span<float> dcol, Span<float> rowScratch)
    {
        /// <summary>(K, G·N) column matrix for dW.</summary>
        public readonly Span<float> Col = col;

        /// <summary>dY_G (O, G·N) gathered, then the dx product (C, G·H·W) of a group.</summary>
        public readonly Span<float> Wide = wide;

        /// <summary>(K, G·N) column gradient, or the packed unfolded dY of the transposed-convolution path.</summary>
        public readonly Span<float> Dcol = dcol;

        /// <summary>One unfolded row, for packed unfolding of windows that are not "same" width.</summary>
        public readonly Span<float> RowScratch = rowScratch;
    }

    /// <summary>
    /// How backward computes dx, and the buffer sizes it needs. With stride 1, dx is itself a convolution:
    /// dx[c, y, x] = Σ_{o,i,j} W[o, c, kh−1−i, kw−1−j] · dY[o, y − p′ + i·d, x − p′ + j·d] with p′ = d·(k − 1) − p, so it
    /// is computed as W′ (C, O·kh·kw) · unfold(dY) — an indirect GEMM over dY's padded plane where that applies, else
    /// unfolded straight into packed panels — writing dx directly; otherwise dcol = Wᵀ · dY is folded into dx (col2im).
    /// A value type: one is made per backward call.
    /// </summary>
    private readonly struct ConvBackwardPlan
    {
        /// <summary>True for the transposed-convolution path.</summary>
        public bool TransposedDx { get; private init; }

        /// <summary>dx is a fresh buffer: written, not added to.</summary>
        public bool DxOverwrite { get; private init; }

        /// <summary>
        /// True for a strided convolution whose forward ran as an indirect GEMM: dW and dx go through its polyphase
        /// plane (<see cref="PlaneBackwardRange"/>), so no strided gather or scatter is needed.
        /// </summary>
        public bool PlaneBackward { get; private init; }

        /// <summary>
        /// True when <see cref="PlaneBackward"/> computes dx phase by phase into the plane (<see cref="PhaseInputGradient"/>;
        /// its weights in <see cref="FlippedWeight"/>, its offsets in <see cref="DxOffsets"/>), else as dcol = Wᵀ · dY
        /// folded into the plane.
        /// </summary>
        public bool PhaseDx { get; private init; }

        /// <summary>Items per product of <see cref="PlaneBackward"/>, their wide column matrices side by side.</summary>
        public int PlaneGroup { get; private init; }

        /// <summary>
        /// True when dW comes from a channels-last copy of each item (<see cref="ChannelsLastWeightGradient"/>, dW laid
        /// out (O, taps, C)) instead of im2col and one SGEMM (dWᵀ (K, O)).
        /// </summary>
        public bool ChannelsLastDw { get; private init; }

        /// <summary>
        /// True when the transposed path runs per item from a channels-last copy of dY (<see cref="ChannelsLastConv"/>;
        /// <see cref="FlippedWeight"/> then holds the weights reordered (taps, O, C)).
        /// </summary>
        public bool ChannelsLastDx { get; private init; }

        /// <summary>True when the transposed path runs as an indirect GEMM per item (<see cref="IndirectConv"/>).</summary>
        public bool IndirectDx { get; private init; }

        /// <summary>Tap offsets of dY's padded plane for <see cref="IndirectDx"/> (ints stored in tape scratch).</summary>
        public float[]? DxOffsets { get; private init; }

        /// <summary>The window that unfolds dY for the transposed path.</summary>
        public Window2d DxWindow { get; private init; }

        /// <summary>W′ (C, O·kh·kw) for the transposed path (tape scratch, filled once per backward).</summary>
        public float[]? FlippedWeight { get; private init; }

        public int ColLength { get; private init; }
        public int WideLength { get; private init; }
        public int DcolLength { get; private init; }
        public int RowsLength { get; private init; }

        public static ConvBackwardPlan Create(in ConvGeometry g, bool needDw, bool needDx, bool dxOverwrite, Tape tape)
        {
            var win = g.Window;
            bool channelsLastDw = needDw && !g.Direct && ChannelsLastWeightGradient.Applies(g.C, g.O);
            int gn = g.Group * g.N, hw = g.H * g.W, taps = win.KernelH * win.KernelW;
            var dxWindow = new Window2d(win.KernelH, win.KernelW, 1, 1, win.DilationH * (win.KernelH - 1) - win.PadH,
                win.DilationW * (win.KernelW - 1) - win.PadW, win.DilationH, win.DilationW);
            bool stride1 = needDx && !g.Direct && win.StrideH == 1 && win.StrideW == 1 && dxWindow.PadH >= 0 && dxWindow.PadW >= 0;
            int ho = win.OutH(g.H), wo = win.OutW(g.W);
            if (g.IndirectForward && (win.StrideH > 1 || win.StrideW > 1))
            {
                int wideWidth = IndirectConv.WideWidth(g.H, g.W, win);
                int group = (int)Math.Clamp(ConvColumnBudget / Math.Max(1L, (long)g.K * wideWidth), 1, Math.Max(g.B, 1));
                bool phaseDx = needDx && PhaseInputGradient.Applies(win, g.C, g.H, g.W);
                if (phaseDx)
                {
                    tape.Scratch(ScratchSlot.FlippedWeight, g.C * g.O * taps);
                    tape.Scratch(ScratchSlot.DxOffsets, g.O * taps);
                }
                return new ConvBackwardPlan
                {
                    PlaneBackward = true,
                    PlaneGroup = group,
                    PhaseDx = phaseDx,
                    FlippedWeight = phaseDx ? tape.ScratchArray(ScratchSlot.FlippedWeight) : null,
                    DxOffsets = phaseDx ? tape.ScratchArray(ScratchSlot.DxOffsets) : null,
                    ChannelsLastDw = channelsLastDw,
                    DxOverwrite = dxOverwrite,
                    ColLength = Math.Max(Math.Max(g.K * group * wideWidth, phaseDx ? PhaseInputGradient.DyPlaneLength(g.O, g.H, g.W, win) : 0),
                        channelsLastDw ? ChannelsLastPlane.Length(g.C, g.H, g.W, win) : 0),
                    WideLength = g.O * group * wideWidth,
                    DcolLength = IndirectConv.PaddedLength(g.C, g.H, g.W, win),
                };
            }
            // dx as a convolution of dY (O channels, Ho × Wo) into C channels: an indirect GEMM where it pays, else packed.
            bool indirect = stride1 && IndirectConv.Applies(dxWindow, g.C, wo);
            bool channelsLastDx = stride1 && !indirect && ChannelsLastConv.Applies(dxWindow, g.O, g.C, wo);
            bool transposed = stride1 && (indirect || channelsLastDx || PackedUnfoldApplies(dxWindow, g.Group * hw));
            float[]? flipped = null;
            if (transposed)
            {
                // W′[c, (o·kh + i)·kw + j] = W[o, c, kh−1−i, kw−1−j]: read by every chunk, so built once here.
                tape.Scratch(ScratchSlot.FlippedWeight, g.C * g.O * taps);
                flipped = tape.ScratchArray(ScratchSlot.FlippedWeight);
            }
            float[]? offsets = null;
            if (indirect)
            {
                tape.Scratch(ScratchSlot.DxOffsets, g.O * taps);
                offsets = tape.ScratchArray(ScratchSlot.DxOffsets);
                IndirectConv.Offsets(MemoryMarshal.Cast<float, int>(offsets.AsSpan(0, g.O * taps)), g.O, ho, wo, dxWindow);
            }
            return new ConvBackwardPlan
            {
                ChannelsLastDw = channelsLastDw,
                TransposedDx = transposed,
                IndirectDx = indirect,
                ChannelsLastDx = channelsLastDx,
                DxOffsets = offsets,
                DxOverwrite = dxOverwrite,
                DxWindow = dxWindow,
                FlippedWeight = flipped,
                ColLength = g.Direct ? 0 : channelsLastDw ? ChannelsLastPlane.Length(g.C, g.H, g.W, win) : g.K * gn,
                WideLength = Math.Max(g.Group == 1 ? 0 : Math.Max(g.O * gn, transposed ? g.C * g.Group * hw : 0),
                    indirect ? IndirectConv.WideLength(g.C, ho, wo, dxWindow) : 0),
                DcolLength = !needDx || g.Direct ? 0 : indirect ? IndirectConv.PaddedLength(g.O, ho, wo, dxWindow)
                    : channelsLastDx ? ChannelsLastConv.WorkLength(g.O, g.C, ho, wo, dxWindow)
                    : transposed ? PackedUnfoldLength(dxWindow, g.O, g.Group * hw) : g.K * gn,
                RowsLength = transposed && !indirect ? hw : 0,
            };
        }

        /// <summary>Fills <see cref="FlippedWeight"/> from W (O, C, kh, kw) (and the phase offsets of <see cref="PhaseDx"/>).</summary>
        public void FlipWeight(ReadOnlySpan<float> w, in ConvGeometry g)
        {
            if (FlippedWeight is null) return;
            int taps = g.Window.KernelH * g.Window.KernelW;
            if (ChannelsLastDx)
            {
                ChannelsLastConv.Reorder(w, g.O, g.C, taps, transposed: true, FlippedWeight.AsSpan(0, g.C * g.O * taps));
                return;
            }
            if (PhaseDx)
            {
                PhaseInputGradient.Prepare(w, g.O, g.C, g.H, g.W, g.Window, FlippedWeight.AsSpan(0, g.C * g.O * taps),
                    MemoryMarshal.Cast<float, int>(DxOffsets.AsSpan(0, g.O * taps)));
                return;
            }
            var f = FlippedWeight.AsSpan(0, g.C * g.O * taps);
            for (int oc = 0; oc < g.O; oc++)
                for (int c = 0; c < g.C; c++)
                    for (int t = 0; t < taps; t++) f[(c * g.O + oc) * taps + t] = w[(oc * g.C + c) * taps + taps - 1 - t];
        }
    }

    /// <summary>
    /// Backward of items [s0, s1): dWᵀ (K, O) = Σ col · dY_Gᵀ into <paramref name="dwT"/> (overwritten), computed so that
    /// the large col is read in place and only dY_G is packed (measured 1.15–1.6× faster than dY_G · colᵀ for O ≤ 64);
    /// dx by the path <paramref name="plan"/> chose (written when fresh, else added).
    /// </summary>
    private static void ConvBackwardRange(ConvBackwardBuffers buffers, Span<float> dwT, Tensor x, Tensor weight,
        Tensor y, bool needDw, Tensor? dxTensor, in ConvGeometry g, in ConvBackwardPlan plan, Tensor? offsets, int s0, int s1)
    {
        if (plan.PlaneBackward)
        {
            PlaneBackwardRange(buffers, dwT, x, weight, y, needDw, dxTensor, g, plan, MemoryMarshal.Cast<float, int>(offsets!.Span), s0, s1);
            return;
        }
        int o = g.O, k = g.K, n = g.N, gn = g.Group * n, imageSize = g.ImageSize, hw = g.H * g.W;
        var dy = y.Grad!.Span;
        var dx = dxTensor is null ? default : dxTensor.Span;
        bool addDx = !plan.DxOverwrite;
        for (int b0 = s0; b0 < s1; b0 += g.Group)
        {
            int gi0 = Math.Min(g.Group, s1 - b0);
            ReadOnlySpan<float> dyg;
            if (g.Group == 1)
            {
                dyg = dy.Slice(b0 * o * n, o * n);
            }
            else
            {
                for (int gi = 0; gi < gi0; gi++)
                    for (int oc = 0; oc < o; oc++)
                        dy.Slice(((b0 + gi) * o + oc) * n, n).CopyTo(buffers.Wide.Slice(oc * gn + gi * n, n));
                dyg = buffers.Wide;
            }
            if (needDw && plan.ChannelsLastDw)
            {
                ChannelsLastWeightGradients(buffers.Col, dwT, x, dy, g, b0, gi0, accumulate: b0 > s0);
            }
            else if (needDw)
            {
                ReadOnlySpan<float> src = g.Direct ? x.Span.Slice(b0 * imageSize, imageSize) : Unfold(buffers.Col, x, b0, gi0, n, gn, g.C, g.H, g.W, g.Window);
                // dWᵀ (K, O) (+)= col (K, G·N) · dY_Gᵀ (G·N, O)
                Sgemm.Multiply(false, true, k, o, gi0 * n, src, gn, dyg, gn, dwT, o, accumulate: b0 > s0);
            }
            if (dxTensor is null) continue;
            var dxItems = dx.Slice(b0 * imageSize, gi0 * imageSize);
            if (g.Direct)
            {
                // 1×1 direct: dx_b (C, N) (+)= Wᵀ (C, O) · dY_b (O, N)
                Sgemm.Multiply(true, false, k, n, o, weight.Span, k, dyg, n, dxItems, n, accumulate: addDx);
                continue;
            }
            if (plan.TransposedDx)
            {
                // dx_G (C, G·H·W) (+)= W′ (C, O·kh·kw) · [unfold(dY_b) …]
                var flipped = plan.FlippedWeight.AsSpan(0, g.C * o * g.Window.KernelH * g.Window.KernelW);
                var dyItems = dy.Slice(b0 * o * n, gi0 * o * n);
                int ho = g.Window.OutH(g.H), wo = g.Window.OutW(g.W);
                if (plan.ChannelsLastDx)
                {
                    for (int gi = 0; gi < gi0; gi++)
                        ChannelsLastConv.Forward(dyItems.Slice(gi * o * n, o * n), flipped, dxItems.Slice(gi * imageSize, imageSize), o, g.C, ho, wo,
                            plan.DxWindow, buffers.Dcol, addDx);
                    continue;
                }
                if (plan.IndirectDx)
                {
                    var offs = MemoryMarshal.Cast<float, int>(plan.DxOffsets.AsSpan(0, o * g.Window.KernelH * g.Window.KernelW));
                    for (int gi = 0; gi < gi0; gi++)
                        IndirectConv.Forward(dyItems.Slice(gi * o * n, o * n), flipped, dxItems.Slice(gi * imageSize, imageSize), o, ho, wo, g.C,
                            plan.DxWindow, offs, buffers.Dcol, buffers.Wide, addDx);
                    continue;
                }
                if (g.Group == 1)
                {
                    PackedUnfoldProduct(g.C, flipped, dyItems, o * n, 1, o, ho, wo, plan.DxWindow, buffers.Dcol, buffers.RowScratch, dxItems, hw, addDx);
                    continue;
                }
                int width = gi0 * hw;
                PackedUnfoldProduct(g.C, flipped, dyItems, o * n, gi0, o, ho, wo, plan.DxWindow, buffers.Dcol, buffers.RowScratch, buffers.Wide, width, false);
                for (int gi = 0; gi < gi0; gi++)
                    for (int c = 0; c < g.C; c++)
                    {
                        var from = buffers.Wide.Slice(c * width + gi * hw, hw);
                        var to = dxItems.Slice(gi * imageSize + c * hw, hw);
                        if (addDx) TensorPrimitives.Add(to, from, to);
                        else from.CopyTo(to);
                    }
                continue;
            }
            // dcol (K, G·N) = Wᵀ (K, O) · dY_G (O, G·N), then col2im += into each dx_b (cleared first when fresh)
            if (!addDx) dxItems.Clear();
            Sgemm.Multiply(true, false, k, gi0 * n, o, weight.Span, k, dyg, gn, buffers.Dcol, gn, accumulate: false);
            for (int gi = 0; gi < gi0; gi++)
                Im2Col.FoldAdd(dx.Slice((b0 + gi) * imageSize, imageSize), buffers.Dcol[(gi * n)..], gn, g.C, g.H, g.W, g.Window);
        }
    }

    /// <summary>
    /// dW (O, taps, C) (+)= the weight gradient of items b0 … b0 + count − 1, each from its channels-last plane
    /// (<see cref="ChannelsLastWeightGradient"/>; <paramref name="work"/> holds the plane).
    /// </summary>
    private static void ChannelsLastWeightGradients(Span<float> work, Span<float> dw, Tensor x, ReadOnlySpan<float> dy, in ConvGeometry g,
        int b0, int count, bool accumulate)
    {
        for (int i = 0; i < count; i++)
        {
            ChannelsLastPlane.Fill(x.Span.Slice((b0 + i) * g.ImageSize, g.ImageSize), work, g.C, g.H, g.W, g.Window);
            ChannelsLastWeightGradient.Accumulate(work, dy.Slice((b0 + i) * g.O * g.N, g.O * g.N), g.C, g.O, g.H, g.W, g.Window, dw, accumulate || i > 0);
        }
    }

    /// <summary>
    /// <see cref="ConvBackwardPlan.PlaneBackward"/> for items [s0, s1), G at a time, N′ = Ho·Wq wide columns each. dW from
    /// channels-last planes where that applies, else dWᵀ (K, O) (+)= col (K, G·N′) · dY_Gᵀ with dY_G (O, G·N′) laid out
    /// wide (zeros in the dropped columns) and col's rows contiguous runs of each item's polyphase plane. dx phase by
    /// phase into the plane (<see cref="PhaseInputGradient"/>) where that applies, else dcol (K, G·N′) = Wᵀ · dY_G folded
    /// back with contiguous adds into the plane; either way dx is the plane's interior.
    /// </summary>
    private static void PlaneBackwardRange(ConvBackwardBuffers buffers, Span<float> dwT, Tensor x, Tensor weight, Tensor y, bool needDw,
        Tensor? dxTensor, in ConvGeometry g, in ConvBackwardPlan plan, ReadOnlySpan<int> offsets, int s0, int s1)
    {
        int o = g.O, k = g.K, n = g.N, imageSize = g.ImageSize, wideWidth = IndirectConv.WideWidth(g.H, g.W, g.Window);
        int planeLength = IndirectConv.PaddedLength(g.C, g.H, g.W, g.Window);
        var dy = y.Grad!.Span;
        var taps = offsets[..k];
        var plane = buffers.Dcol[..planeLength];
        for (int b0 = s0; b0 < s1; b0 += plan.PlaneGroup)
        {
            int count = Math.Min(plan.PlaneGroup, s1 - b0), width = count * wideWidth;
            var col = buffers.Col[..(k * width)];
            var wide = buffers.Wide[..(o * width)];
            // dY laid out wide, for the column-matrix paths only.
            if ((needDw && !plan.ChannelsLastDw) || (dxTensor is not null && !plan.PhaseDx))
                for (int i = 0; i < count; i++)
                    IndirectConv.ToWide(dy.Slice((b0 + i) * o * n, o * n), wide[(i * wideWidth)..], width, o, g.H, g.W, g.Window);
            if (needDw && plan.ChannelsLastDw)
            {
                ChannelsLastWeightGradients(buffers.Col, dwT, x, dy, g, b0, count, accumulate: b0 > s0);
            }
            else if (needDw)
            {
                for (int i = 0; i < count; i++)
                {
                    IndirectConv.FillPlane(x.Span.Slice((b0 + i) * imageSize, imageSize), plane, g.C, g.H, g.W, g.Window);
                    IndirectConv.UnfoldWide(plane, taps, col[(i * wideWidth)..], width, wideWidth);
                }
                Sgemm.Multiply(false, true, k, o, width, col, width, wide, width, dwT, o, accumulate: b0 > s0);
            }
            if (dxTensor is null) continue;
            if (plan.PhaseDx)
            {
                int allTaps = g.Window.KernelH * g.Window.KernelW;
                var phaseWeights = plan.FlippedWeight.AsSpan(0, g.C * o * allTaps);
                var phaseOffsets = MemoryMarshal.Cast<float, int>(plan.DxOffsets.AsSpan(0, o * allTaps));
                for (int i = 0; i < count; i++)
                    PhaseInputGradient.Compute(dy.Slice((b0 + i) * o * n, o * n), dxTensor.Span.Slice((b0 + i) * imageSize, imageSize), o, g.C, g.H, g.W,
                        g.Window, phaseWeights, phaseOffsets, buffers.Col, plane, !plan.DxOverwrite);
                continue;
            }
            Sgemm.Multiply(true, false, k, width, o, weight.Span, k, wide, width, col, width, accumulate: false);
            for (int i = 0; i < count; i++)
            {
                IndirectConv.FoldWide(col[(i * wideWidth)..], width, taps, plane, wideWidth, planeLength);
                IndirectConv.ExtractPlane(plane, dxTensor.Span.Slice((b0 + i) * imageSize, imageSize), g.C, g.H, g.W, g.Window, !plan.DxOverwrite);
            }
        }
    }

    /// <summary>Writes the column matrices of items b0 … b0+g−1 side by side into col (K, G·N) and returns it.</summary>
    private static ReadOnlySpan<float> Unfold(Span<float> col, Tensor x, int b0, int g, int n, int gn, int c, int h, int w, Window2d window)
    {
        int imageSize = c * h * w;
        for (int gi = 0; gi < g; gi++)
            Im2Col.Unfold(col[(gi * n)..], gn, x.Span.Slice((b0 + gi) * imageSize, imageSize), c, h, w, window);
        return col;
    }
}
