using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Weight gradient of a convolution with no column matrix, read from a channels-last copy of the image's zero-padded
/// polyphase plane (<see cref="ChannelsLastPlane"/>): xcl[pos·C + c] with pos = (a·sw + b)·Hq·Wq + r′·Wq + q′. Output
/// position (oh, ow) is p = oh·Wq + ow, and tap t = (i, j) reads position p + offset_t, so 16 consecutive channels of one
/// tap are one vector load: dW[o, t, c…c+15] += Σ_(oh, ow) dY[o, oh, ow] · xcl[(p + offset_t)·C + c…]. A register tile of
/// 8 output channels × 3 such vectors (24 accumulators) costs 8 broadcasts of dY and 3 loads per 24 fused multiply-adds,
/// where the column-matrix product dWᵀ = col · dYᵀ with 16 output channels has an 8×16 tile: 9 loads per 8.
/// </summary>
internal static unsafe class ChannelsLastWeightGradient
{
    /// <summary>Output channels per register tile.</summary>
    public const int TileRows = 8;

    /// <summary>Channel vectors (16 channels of one tap) per register tile.</summary>
    public const int TileVectors = 3;

    /// <summary>True for C a multiple of 16, O a multiple of 8, and AVX-512.</summary>
    public static bool Applies(int c, int o) => c % 16 == 0 && o % TileRows == 0 && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>
    /// dW (O, taps·C), column t·C + c = or += Σ over output positions of dY[o, ·] · plane[· + offset_t, c] for one image.
    /// </summary>
    /// <param name="plane">From <see cref="ChannelsLastPlane.Fill"/>.</param>
    /// <param name="dy">(O, Ho·Wo)</param>
    /// <param name="c">C (a multiple of 16)</param>
    /// <param name="o">O (a multiple of 8)</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    /// <param name="window">The convolution window.</param>
    /// <param name="dw">(O, taps·C)</param>
    /// <param name="accumulate">Add to dw instead of overwriting it.</param>
    public static void Accumulate(ReadOnlySpan<float> plane, ReadOnlySpan<float> dy, int c, int o, int h, int w, in Window2d window,
        Span<float> dw, bool accumulate)
    {
        int kh = window.KernelH, kw = window.KernelW, taps = kh * kw, sh = window.StrideH, sw = window.StrideW;
        int wq = IndirectConv.PlaneWidth(w, window), block = IndirectConv.PlaneHeight(h, window) * wq;
        int ho = window.OutH(h), wo = window.OutW(w), n = ho * wo, vectors = taps * c / 16, ldw = taps * c;
        if (plane.Length < ChannelsLastPlane.Length(c, h, w, window) || dy.Length < o * n || dw.Length < o * ldw || c % 16 != 0 || o % TileRows != 0)
            throw new ArgumentException("Channels-last weight-gradient buffers are too short.");
        Span<int> offsets = stackalloc int[TileVectors];
        fixed (float* ps = plane, dys = dy, dws = dw)
        {
            for (int v0 = 0; v0 < vectors; v0 += TileVectors)
            {
                int count = Math.Min(TileVectors, vectors - v0);
                for (int v = 0; v < TileVectors; v++)
                {
                    // Vector v0 + v is channels 16·(v mod C/16) … of tap v / (C/16); a missing third vector repeats the first.
                    int vi = v0 + (v < count ? v : 0), t = vi / (c / 16), di = t / kw * window.DilationH, dj = t % kw * window.DilationW;
                    int position = (di % sh * sw + dj % sw) * block + di / sh * wq + dj / sw;
                    offsets[v] = position * c + vi % (c / 16) * 16;
                }
                for (int o0 = 0; o0 < o; o0 += TileRows)
                    Tile(ps, offsets[0], offsets[1], offsets[2], c, dys + (long)o0 * n, n, ho, wo, wq, dws + (long)o0 * ldw + v0 * 16, ldw, count, accumulate);
            }
        }
    }

    /// <summary>
    /// 8 rows of dw × 3 vectors (columns at dw, dw + 16, dw + 32; only <paramref name="count"/> stored) summed over all
    /// output positions: row r reads dY row r (stride <paramref name="n"/>), vector v reads plane + offset_v + p·C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(float* plane, int off0, int off1, int off2, int c, float* dy, int n, int ho, int wo, int wp,
        float* dw, int ldw, int count, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default;
        Vector512<float> c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        float* d1 = dy + n, d2 = d1 + n, d3 = d2 + n, d4 = d3 + n, d5 = d4 + n, d6 = d5 + n, d7 = d6 + n;
        for (int oh = 0; oh < ho; oh++)
        {
            float* b = plane + (long)oh * wp * c;
            int q = oh * wo;
            for (int ow = 0; ow < wo; ow++, b += c, q++)
            {
                Vector512<float> b0 = Vector512.Load(b + off0), b1 = Vector512.Load(b + off1), b2 = Vector512.Load(b + off2);
                Vector512<float> a = Vector512.Create(dy[q]);
                c00 = Avx512F.FusedMultiplyAdd(a, b0, c00); c01 = Avx512F.FusedMultiplyAdd(a, b1, c01); c02 = Avx512F.FusedMultiplyAdd(a, b2, c02);
                a = Vector512.Create(d1[q]);
                c10 = Avx512F.FusedMultiplyAdd(a, b0, c10); c11 = Avx512F.FusedMultiplyAdd(a, b1, c11); c12 = Avx512F.FusedMultiplyAdd(a, b2, c12);
                a = Vector512.Create(d2[q]);
                c20 = Avx512F.FusedMultiplyAdd(a, b0, c20); c21 = Avx512F.FusedMultiplyAdd(a, b1, c21); c22 = Avx512F.FusedMultiplyAdd(a, b2, c22);
                a = Vector512.Create(d3[q]);
                c30 = Avx512F.FusedMultiplyAdd(a, b0, c30); c31 = Avx512F.FusedMultiplyAdd(a, b1, c31); c32 = Avx512F.FusedMultiplyAdd(a, b2, c32);
                a = Vector512.Create(d4[q]);
                c40 = Avx512F.FusedMultiplyAdd(a, b0, c40); c41 = Avx512F.FusedMultiplyAdd(a, b1, c41); c42 = Avx512F.FusedMultiplyAdd(a, b2, c42);
                a = Vector512.Create(d5[q]);
                c50 = Avx512F.FusedMultiplyAdd(a, b0, c50); c51 = Avx512F.FusedMultiplyAdd(a, b1, c51); c52 = Avx512F.FusedMultiplyAdd(a, b2, c52);
                a = Vector512.Create(d6[q]);
                c60 = Avx512F.FusedMultiplyAdd(a, b0, c60); c61 = Avx512F.FusedMultiplyAdd(a, b1, c61); c62 = Avx512F.FusedMultiplyAdd(a, b2, c62);
                a = Vector512.Create(d7[q]);
                c70 = Avx512F.FusedMultiplyAdd(a, b0, c70); c71 = Avx512F.FusedMultiplyAdd(a, b1, c71); c72 = Avx512F.FusedMultiplyAdd(a, b2, c72);
            }
        }
        Store(dw, c00, c01, c02, count, accumulate);
        Store(dw + ldw, c10, c11, c12, count, accumulate);
        Store(dw + 2 * ldw, c20, c21, c22, count, accumulate);
        Store(dw + 3 * ldw, c30, c31, c32, count, accumulate);
        Store(dw + 4 * ldw, c40, c41, c42, count, accumulate);
        Store(dw + 5 * ldw, c50, c51, c52, count, accumulate);
        Store(dw + 6 * ldw, c60, c61, c62, count, accumulate);
        Store(dw + 7 * ldw, c70, c71, c72, count, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* d, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, int count, bool accumulate)
    {
        if (accumulate) v0 += Vector512.Load(d);
        v0.Store(d);
        if (count < 2) return;
        if (accumulate) v1 += Vector512.Load(d + 16);
        v1.Store(d + 16);
        if (count < 3) return;
        if (accumulate) v2 += Vector512.Load(d + 32);
        v2.Store(d + 32);
    }
}
