using System.Runtime.InteropServices;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>
    /// Max pooling over (H, W) windows (PyTorch MaxPool2d, ceil_mode = false; ONNX MaxPool). Padding positions never
    /// win (they act as −∞). The arg-max of every output is cached as a plane offset; backward (accumulates +=)
    /// routes dY to it (the first maximum on ties).
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, H, W)</param>
    /// <param name="window">Kernel, stride, padding (at most half the kernel); dilation must be 1.</param>
    /// <returns>(B, C, Ho, Wo)</returns>
    public static Tensor MaxPool2d(Tape tape, Tensor x, Window2d window)
    {
        var (planes, h, w, outShape) = PoolShape(nameof(MaxPool2d), x, 4, window);
        return MaxPoolCore(tape, x, planes, h, w, window, outShape);
    }

    /// <summary>Max pooling over windows of the last axis (PyTorch MaxPool1d); see <see cref="MaxPool2d"/>.</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, L)</param>
    /// <param name="kernel">Window length.</param>
    /// <param name="stride">Step between windows.</param>
    /// <param name="padding">Padding at each end (at most kernel / 2).</param>
    /// <returns>(B, C, Lo)</returns>
    public static Tensor MaxPool1d(Tape tape, Tensor x, int kernel, int stride, int padding = 0)
    {
        var window = Window2d.Line(kernel, stride, padding);
        var (planes, h, w, outShape) = PoolShape(nameof(MaxPool1d), x, 3, window);
        return MaxPoolCore(tape, x, planes, h, w, window, outShape);
    }

    /// <summary>
    /// Average pooling over (H, W) windows (PyTorch AvgPool2d with count_include_pad = true, ceil_mode = false; ONNX
    /// AveragePool with count_include_pad = 1): every window sum is divided by kh·kw, padding counting as zeros.
    /// Backward (accumulates +=) spreads dY/(kh·kw) over the window's in-plane positions.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, H, W)</param>
    /// <param name="window">Kernel, stride, padding (at most half the kernel); dilation must be 1.</param>
    /// <returns>(B, C, Ho, Wo)</returns>
    public static Tensor AvgPool2d(Tape tape, Tensor x, Window2d window)
    {
        var (planes, h, w, outShape) = PoolShape(nameof(AvgPool2d), x, 4, window);
        return AvgPoolCore(tape, x, planes, h, w, window, outShape);
    }

    /// <summary>Average pooling over windows of the last axis (PyTorch AvgPool1d, count_include_pad = true); see <see cref="AvgPool2d"/>.</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, L)</param>
    /// <param name="kernel">Window length.</param>
    /// <param name="stride">Step between windows.</param>
    /// <param name="padding">Padding at each end (at most kernel / 2), counted in the divisor.</param>
    /// <returns>(B, C, Lo)</returns>
    public static Tensor AvgPool1d(Tape tape, Tensor x, int kernel, int stride, int padding = 0)
    {
        var window = Window2d.Line(kernel, stride, padding);
        var (planes, h, w, outShape) = PoolShape(nameof(AvgPool1d), x, 3, window);
        return AvgPoolCore(tape, x, planes, h, w, window, outShape);
    }

    /// <summary>
    /// Checks a pooling call and returns its planes P = B·C, plane (H, W) (H = 1 for rank 3) and output shape
    /// (B, C, Ho, Wo) or (B, C, Lo).
    /// </summary>
    private static (int Planes, int H, int W, int[] OutShape) PoolShape(string what, Tensor x, int rank, Window2d window)
    {
        CheckPool(what, x, rank, window);
        int b = x.Shape[0], c = x.Shape[1], h = rank == 4 ? x.Shape[2] : 1, w = x.Shape[rank - 1];
        int[] outShape = rank == 4 ? [b, c, window.OutH(h), window.OutW(w)] : [b, c, window.OutW(w)];
        return (b * c, h, w, outShape);
    }

    private static void CheckPool(string what, Tensor x, int rank, Window2d window)
    {
        window.Validate(what);
        if (x.Rank != rank) throw new ArgumentException($"{what} expects a rank-{rank} input, got {x}.", nameof(x));
        if (window.DilationH != 1 || window.DilationW != 1) throw new ArgumentException($"{what}: dilation is not supported.");
        if (2 * window.PadH > window.KernelH || 2 * window.PadW > window.KernelW)
            throw new ArgumentException($"{what}: padding must be at most half the kernel (PyTorch's rule), got {window}.");
        window.CheckInput(what, rank == 4 ? x.Shape[2] : 1, x.Shape[rank - 1]);
    }

    /// <summary>Max pooling of P = B·C independent (H, W) planes.</summary>
    private static Tensor MaxPoolCore(Tape tape, Tensor x, int planes, int h, int w, Window2d win, int[] outShape)
    {
        int ho = win.OutH(h), wo = win.OutW(w), plane = h * w, outPlane = ho * wo;
        var y = tape.NewOutput(outShape, x);
        var argmax = tape.Pool.Rent(false, y.Length); // int plane offsets stored bit-for-bit in a pooled float buffer
        // Planes are independent: ranges of them run on several threads when the tensor is large.
        if (Kernels.MaxPool2x2.Applies(h, w, win))
        {
            int pairs = x.Length / 2, halfPlane = plane / 2;
            tape.Scratch(ScratchSlot.PairMax, pairs);
            tape.Scratch(ScratchSlot.PairAt, pairs);
            float[] pairMax = tape.ScratchArray(ScratchSlot.PairMax), pairAt = tape.ScratchArray(ScratchSlot.PairAt);
            Kernels.ParallelRanges.For(planes, plane, (p0, p1) => Kernels.MaxPool2x2.Forward(
                x.Span[(p0 * plane)..(p1 * plane)], y.Span[(p0 * outPlane)..(p1 * outPlane)],
                MemoryMarshal.Cast<float, int>(argmax.Span[(p0 * outPlane)..(p1 * outPlane)]),
                pairMax.AsSpan(p0 * halfPlane, (p1 - p0) * halfPlane),
                MemoryMarshal.Cast<float, int>(pairAt.AsSpan(p0 * halfPlane, (p1 - p0) * halfPlane)), h, w));
        }
        else
        {
            Kernels.ParallelRanges.For(planes, plane, (p0, p1) => MaxPoolGeneric(x.Span[(p0 * plane)..(p1 * plane)],
                y.Span[(p0 * outPlane)..(p1 * outPlane)], MemoryMarshal.Cast<float, int>(argmax.Span[(p0 * outPlane)..(p1 * outPlane)]),
                p1 - p0, h, w, win));
        }
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dxTensor = tape.GradForWrite(x, out bool overwrite);
            Kernels.ParallelRanges.For(planes, plane, (p0, p1) =>
            {
                var dy = y.Grad!.Span; var dx = dxTensor.Span; var a = MemoryMarshal.Cast<float, int>(argmax.Span);
                if (overwrite) dx[(p0 * plane)..(p1 * plane)].Clear(); // a fresh buffer: zero only what this range owns
                for (int p = p0; p < p1; p++)
                {
                    var dxp = dx.Slice(p * plane, plane);
                    for (int o = p * outPlane, end = o + outPlane; o < end; o++) dxp[a[o]] += dy[o];
                }
            });
        });
        return y;
    }

    /// <summary>Any window: scans each window row-major from −∞ with a strict &gt; (the first maximum wins, NaN never does).</summary>
    internal static void MaxPoolGeneric(ReadOnlySpan<float> xs, Span<float> ys, Span<int> am, int planes, int h, int w, Window2d win)
    {
        int ho = win.OutH(h), wo = win.OutW(w), plane = h * w, outPlane = ho * wo;
        for (int p = 0; p < planes; p++)
        {
            var xp = xs.Slice(p * plane, plane);
            int o = p * outPlane;
            for (int oh = 0; oh < ho; oh++)
            {
                int i0 = Math.Max(0, oh * win.StrideH - win.PadH), i1 = Math.Min(h, oh * win.StrideH - win.PadH + win.KernelH);
                for (int ow = 0; ow < wo; ow++, o++)
                {
                    int j0 = Math.Max(0, ow * win.StrideW - win.PadW), j1 = Math.Min(w, ow * win.StrideW - win.PadW + win.KernelW);
                    float best = float.NegativeInfinity;
                    int at = i0 * w + j0;
                    for (int i = i0; i < i1; i++)
                    {
                        var row = xp.Slice(i * w, w);
                        for (int j = j0; j < j1; j++)
                            if (row[j] > best) { best = row[j]; at = i * w + j; }
                    }
                    ys[o] = best;
                    am[o] = at;
                }
            }
        }
    }

    /// <summary>Average pooling (count_include_pad) of P = B·C independent (H, W) planes.</summary>
    private static Tensor AvgPoolCore(Tape tape, Tensor x, int planes, int h, int w, Window2d win, int[] outShape)
    {
        int ho = win.OutH(h), wo = win.OutW(w), plane = h * w, outPlane = ho * wo;
        float scale = 1f / (win.KernelH * win.KernelW);
        var y = tape.NewOutput(outShape, x);
        var xs = x.Span; var ys = y.Span;
        for (int p = 0; p < planes; p++)
        {
            var xp = xs.Slice(p * plane, plane);
            int o = p * outPlane;
            for (int oh = 0; oh < ho; oh++)
            {
                int i0 = Math.Max(0, oh * win.StrideH - win.PadH), i1 = Math.Min(h, oh * win.StrideH - win.PadH + win.KernelH);
                for (int ow = 0; ow < wo; ow++, o++)
                {
                    int j0 = Math.Max(0, ow * win.StrideW - win.PadW), j1 = Math.Min(w, ow * win.StrideW - win.PadW + win.KernelW);
                    float sum = 0f;
                    for (int i = i0; i < i1; i++)
                    {
                        var row = xp.Slice(i * w, w);
                        for (int j = j0; j < j1; j++) sum += row[j];
                    }
                    ys[o] = sum * scale;
                }
            }
        }
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dy = y.Grad!.Span; var dx = tape.GradOf(x).Span;
            for (int p = 0; p < planes; p++)
            {
                var dxp = dx.Slice(p * plane, plane);
                int o = p * outPlane;
                for (int oh = 0; oh < ho; oh++)
                {
                    int i0 = Math.Max(0, oh * win.StrideH - win.PadH), i1 = Math.Min(h, oh * win.StrideH - win.PadH + win.KernelH);
                    for (int ow = 0; ow < wo; ow++, o++)
                    {
                        int j0 = Math.Max(0, ow * win.StrideW - win.PadW), j1 = Math.Min(w, ow * win.StrideW - win.PadW + win.KernelW);
                        float g = dy[o] * scale;
                        for (int i = i0; i < i1; i++)
                        {
                            var row = dxp.Slice(i * w, w);
                            for (int j = j0; j < j1; j++) row[j] += g;
                        }
                    }
                }
            }
        });
        return y;
    }
}
