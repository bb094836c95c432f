using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Stride-1 convolution over small feature maps, from a channels-last copy of the image
/// (<see cref="ChannelsLastPlane.Fill"/>: position p = r·Wp + q of the padded plane holds its C channels):
/// y[o, oh, ow] = Σ_(t, c) Wr[t, c, o] · xcl[(oh·Wp + ow + offset_t)·C + c] with offset_t = i·dh·Wp + j·dw. A register
/// tile is 8 consecutive outputs of one row (broadcast from xcl) × 32 output channels (two vectors of the reordered
/// weights Wr (taps, C, O)): 8 broadcasts and 2 loads per 16 fused multiply-adds, and no output column is wasted,
/// where the indirect GEMM over the plane computes 2 dropped columns of every 10 at 8×8 (and rounds 80 columns up to
/// 96). The tile's results (positions × O) are transposed into y (O, Ho·Wo) at the end.
/// </summary>
internal static unsafe class ChannelsLastConv
{
    /// <summary>Outputs of one row per tile.</summary>
    public const int TilePositions = 8;

    /// <summary>Output channels per tile.</summary>
    public const int TileChannels = 32;

    /// <summary>True for stride 1, C a multiple of 16, O a multiple of 32, Wo a multiple of 8, and AVX-512.</summary>
    public static bool Applies(in Window2d window, int c, int o, int w) =>
        window.StrideH == 1 && window.StrideW == 1 && c % 16 == 0 && o % TileChannels == 0 && window.OutW(w) % TilePositions == 0
        && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>Floats of work for one image: the channels-last plane, then the outputs (Ho·Wo, O).</summary>
    public static int WorkLength(int c, int o, int h, int w, in Window2d window) =>
        ChannelsLastPlane.Length(c, h, w, window) + window.OutH(h) * window.OutW(w) * o;

    /// <summary>
    /// Wr (taps, C, O) with Wr[t, c, o] = W[o, c, t]; or, <paramref name="transposed"/>, Wr (taps, O, C) with
    /// Wr[t, o, c] = W[o, c, taps − 1 − t]: the weights of the input gradient as a convolution of dY.
    /// </summary>
    /// <param name="weight">W (O, C, taps)</param>
    /// <param name="o">O</param>
    /// <param name="c">C</param>
    /// <param name="taps">kh·kw</param>
    /// <param name="transposed">Lay out Wr[t, o, c] = W[o, c, taps − 1 − t]: the weights of dx as a convolution of dY.</param>
    /// <param name="reordered">taps·C·O floats.</param>
    public static void Reorder(ReadOnlySpan<float> weight, int o, int c, int taps, bool transposed, Span<float> reordered)
    {
        for (int oc = 0; oc < o; oc++)
            for (int ch = 0; ch < c; ch++)
                for (int t = 0; t < taps; t++)
                {
                    float v = weight[(oc * c + ch) * taps + t];
                    if (transposed) reordered[((taps - 1 - t) * o + oc) * c + ch] = v;
                    else reordered[(t * c + ch) * o + oc] = v;
                }
    }

    /// <summary>y (O, Ho·Wo) = or += the convolution of one image x (C, H, W) with reordered weights Wr (taps, C, O).</summary>
    /// <param name="x">(C, H, W)</param>
    /// <param name="reordered">Wr (taps, C, O) from <see cref="Reorder"/>.</param>
    /// <param name="y">(O, Ho·Wo)</param>
    /// <param name="c">C (a multiple of 16)</param>
    /// <param name="o">O (a multiple of 32)</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    /// <param name="window">Stride-1 window.</param>
    /// <param name="work">At least <see cref="WorkLength"/> floats.</param>
    /// <param name="accumulate">Add to y instead of overwriting it.</param>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> reordered, Span<float> y, int c, int o, int h, int w, in Window2d window,
        Span<float> work, bool accumulate)
    {
        int kh = window.KernelH, kw = window.KernelW, taps = kh * kw, wp = w + 2 * window.PadW;
        int ho = window.OutH(h), wo = window.OutW(w), n = ho * wo, planeLength = ChannelsLastPlane.Length(c, h, w, window);
        if (reordered.Length < taps * c * o || y.Length < o * n || work.Length < WorkLength(c, o, h, w, window) || !Applies(window, c, o, w))
            throw new ArgumentException("Channels-last convolution buffers are too short, or the window does not apply.");
        ChannelsLastPlane.Fill(x, work, c, h, w, window);
        Span<int> offsets = stackalloc int[taps];
        for (int t = 0; t < taps; t++) offsets[t] = (t / kw * window.DilationH * wp + t % kw * window.DilationW) * c;
        fixed (float* plane = work, wr = reordered)
        fixed (int* offs = offsets)
        {
            float* outputs = plane + planeLength; // (Ho·Wo, O)
            for (int oh = 0; oh < ho; oh++)
                for (int ow = 0; ow < wo; ow += TilePositions)
                    for (int o0 = 0; o0 < o; o0 += TileChannels)
                        Tile(plane + ((long)oh * wp + ow) * c, offs, taps, c, wr + o0, o, outputs + ((long)oh * wo + ow) * o + o0);
            BatchedTranspose.Run(new ReadOnlySpan<float>(outputs, n * o), y, 1, n, o, accumulate);
        }
    }

    /// <summary>
    /// out[r, 0 … 32) (row stride <paramref name="o"/>) = Σ_(t, c) x[r·C + offsets[t] + c] · wr[(t·C + c)·O + 0 … 32) for
    /// the 8 positions r of a tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(float* x, int* offsets, int taps, int c, float* wr, int o, float* output)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int t = 0; t < taps; t++)
        {
            float* x0 = x + offsets[t], x1 = x0 + c, x2 = x1 + c, x3 = x2 + c, x4 = x3 + c, x5 = x4 + c, x6 = x5 + c, x7 = x6 + c;
            float* wt = wr + (long)t * c * o;
            for (int ch = 0; ch < c; ch++, wt += o)
            {
                Vector512<float> w0 = Vector512.Load(wt), w1 = Vector512.Load(wt + 16);
                Vector512<float> s = Vector512.Create(x0[ch]);
                c00 = Avx512F.FusedMultiplyAdd(s, w0, c00); c01 = Avx512F.FusedMultiplyAdd(s, w1, c01);
                s = Vector512.Create(x1[ch]);
                c10 = Avx512F.FusedMultiplyAdd(s, w0, c10); c11 = Avx512F.FusedMultiplyAdd(s, w1, c11);
                s = Vector512.Create(x2[ch]);
                c20 = Avx512F.FusedMultiplyAdd(s, w0, c20); c21 = Avx512F.FusedMultiplyAdd(s, w1, c21);
                s = Vector512.Create(x3[ch]);
                c30 = Avx512F.FusedMultiplyAdd(s, w0, c30); c31 = Avx512F.FusedMultiplyAdd(s, w1, c31);
                s = Vector512.Create(x4[ch]);
                c40 = Avx512F.FusedMultiplyAdd(s, w0, c40); c41 = Avx512F.FusedMultiplyAdd(s, w1, c41);
                s = Vector512.Create(x5[ch]);
                c50 = Avx512F.FusedMultiplyAdd(s, w0, c50); c51 = Avx512F.FusedMultiplyAdd(s, w1, c51);
                s = Vector512.Create(x6[ch]);
                c60 = Avx512F.FusedMultiplyAdd(s, w0, c60); c61 = Avx512F.FusedMultiplyAdd(s, w1, c61);
                s = Vector512.Create(x7[ch]);
                c70 = Avx512F.FusedMultiplyAdd(s, w0, c70); c71 = Avx512F.FusedMultiplyAdd(s, w1, c71);
            }
        }
        nint ld = o;
        c00.Store(output); c01.Store(output + 16);
        c10.Store(output + ld); c11.Store(output + ld + 16);
        c20.Store(output + 2 * ld); c21.Store(output + 2 * ld + 16);
        c30.Store(output + 3 * ld); c31.Store(output + 3 * ld + 16);
        c40.Store(output + 4 * ld); c41.Store(output + 4 * ld + 16);
        c50.Store(output + 5 * ld); c51.Store(output + 5 * ld + 16);
        c60.Store(output + 6 * ld); c61.Store(output + 6 * ld + 16);
        c70.Store(output + 7 * ld); c71.Store(output + 7 * ld + 16);
    }
}
