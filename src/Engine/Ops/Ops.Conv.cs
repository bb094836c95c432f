using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine;

internal static partial class Ops
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
    /// <see cref="PackedUnfold.Product"/>) and Y_G (O, G·N) = W · col in one SGEMM, then Y_G is copied to the items'
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
        int chunks = ConvChunking.Count(geo);
        // The indirect GEMM and im2col straight into packed panels both run each product single-threaded: inside
        // chunks, or when the product is too small for SGEMM's own threads anyway.
        bool serialProducts = chunks > 1 || 2L * o * gn * k < WorkerPool.MinParallelFlops;
        bool indirect = indirectShape && serialProducts;
        // Small maps the indirect GEMM would pad with dropped columns (8×8 with 64 channels): from a channels-last copy.
        bool channelsLast = !direct && !indirect && serialProducts && ChannelsLastConv.Applies(window, c, o, w);
        geo = geo with
        {
            IndirectForward = indirect, ChannelsLastForward = channelsLast,
            PackedForward = !direct && !indirect && !channelsLast && serialProducts && PackedUnfold.Applies(window, gn),
        };
        // Scratch: the padded plane (indirect), channels-last work, packed or plain col; the wide output (indirect) or Y_G (groups).
        int colLength = direct ? 0 : indirect ? IndirectConv.PaddedLength(c, h, w, window) : channelsLast ? ChannelsLastConv.WorkLength(c, o, h, w, window)
            : geo.PackedForward ? PackedUnfold.Length(window, c, gn) : k * gn;
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
            ConvForward.Range(tape.Scratch(ScratchSlot.Col, colLength), tape.Scratch(ScratchSlot.Wide, wideLength),
                tape.Scratch(ScratchSlot.Rows, rowsLength), offsets, reordered, x, weight, y, geo, 0, b);
        }
        else
        {
            WorkerPool.ParallelFor(chunks, ci =>
            {
                var (s0, s1) = ConvChunking.Items(geo, ci, chunks);
                ConvForward.Range(ConvThreadScratch.Get(ScratchSlot.Col, colLength), ConvThreadScratch.Get(ScratchSlot.Wide, wideLength),
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
                    ConvBackward.Range(buffers, dwT, x, weight, y, dw is not null, dx, geo, plan, offsets, 0, b);
                }
                else
                {
                    var dwTArray = dw is null ? null : tape.ScratchArray(ScratchSlot.DwT);
                    WorkerPool.ParallelFor(chunks, ci =>
                    {
                        var (s0, s1) = ConvChunking.Items(geo, ci, chunks);
                        var buffers = new ConvBackwardBuffers(ConvThreadScratch.Get(ScratchSlot.Col, plan.ColLength),
                            ConvThreadScratch.Get(ScratchSlot.Wide, plan.WideLength), ConvThreadScratch.Get(ScratchSlot.Dcol, plan.DcolLength),
                            ConvThreadScratch.Get(ScratchSlot.Rows, plan.RowsLength));
                        var part = dwTArray is null ? default : dwTArray.AsSpan(ci * k * o, k * o);
                        ConvBackward.Range(buffers, part, x, weight, y, dw is not null, dx, geo, plan, offsets, s0, s1);
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
}
