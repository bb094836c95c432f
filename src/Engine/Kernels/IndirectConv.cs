using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Stride-1 convolution as an indirect GEMM, with no column matrix: the input is copied once into a zero-padded plane
/// (C, Hp, Wp), and output position n′ = oh·Wp + ow′ of a "wide" output row (ow′ &lt; Wp) reads tap (c, i, j) at
/// xpad[c·Hp·Wp + i·dh·Wp + j·dw + n′]. So row (c, i, j) of the would-be column matrix is the padded plane shifted by a
/// fixed offset, and the micro-kernel reads it in place through an offset table. The Wp − Wo extra columns per output
/// row are computed and dropped (6 % extra work at 32×32 with padding 1, 25 % at 8×8), in exchange for no im2col and
/// no packing pass over the column matrix.
/// </summary>
internal static unsafe class IndirectConv
{
    /// <summary>Output channels per register tile.</summary>
    public const int TileRows = 8;

    /// <summary>Wide-output columns per register tile.</summary>
    public const int TileColumns = 32;

    /// <summary>
    /// True for stride 1, O a multiple of 8, AVX-512, and at most 1/7 extra columns (Wp − Wo ≤ Wo / 7): measured per
    /// image against im2col into packed panels, 49 vs 61 µs at 16×32×32 → 16, 50 vs 55 at 32×16×16 → 32, 77 vs 81 at
    /// 32×14×14 → 64, but 65 vs 59 at 64×8×8 → 64, where 2 of every 10 columns are dropped.
    /// </summary>
    public static bool Applies(in Window2d window, int outChannels, int w) =>
        window.StrideH == 1 && window.StrideW == 1 && outChannels % TileRows == 0
        && 7 * (w + 2 * window.PadW - window.OutW(w)) <= window.OutW(w)
        && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>Floats of the padded plane of one image, with slack for the last tile's reads past the end.</summary>
    public static int PaddedLength(int c, int h, int w, in Window2d window) =>
        c * (h + 2 * window.PadH) * (w + 2 * window.PadW) + WideColumns(h, w, window) + (w + 2 * window.PadW);

    /// <summary>Floats of the wide output (O, ⌈Ho·Wp / 32⌉·32) of one image.</summary>
    public static int WideLength(int o, int h, int w, in Window2d window) => o * WideColumns(h, w, window);

    private static int WideColumns(int h, int w, in Window2d window)
    {
        int wide = window.OutH(h) * (w + 2 * window.PadW);
        return (wide + TileColumns - 1) / TileColumns * TileColumns;
    }

    /// <summary>offsets[(c·kh + i)·kw + j] = c·Hp·Wp + i·dh·Wp + j·dw, the shift of each tap's row in the padded plane.</summary>
    public static void Offsets(Span<int> offsets, int c, int h, int w, in Window2d window)
    {
        int hp = h + 2 * window.PadH, wp = w + 2 * window.PadW, kh = window.KernelH, kw = window.KernelW;
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++)
                    offsets[(ch * kh + i) * kw + j] = ch * hp * wp + i * window.DilationH * wp + j * window.DilationW;
    }

    /// <summary>
    /// y (O, Ho·Wo) = or += W (O, K = C·kh·kw) ⊛ x (C, H, W) for one image.
    /// </summary>
    /// <param name="x">(C, H, W)</param>
    /// <param name="weight">(O, K) row-major.</param>
    /// <param name="y">(O, Ho·Wo)</param>
    /// <param name="c">C</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    /// <param name="o">O (a multiple of 8)</param>
    /// <param name="window">Stride-1 window.</param>
    /// <param name="offsets">From <see cref="Offsets"/>, K entries.</param>
    /// <param name="padded">At least <see cref="PaddedLength"/> floats of scratch.</param>
    /// <param name="wide">At least <see cref="WideLength"/> floats of scratch.</param>
    /// <param name="accumulate">Add to y instead of overwriting it.</param>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Span<float> y, int c, int h, int w, int o,
        in Window2d window, ReadOnlySpan<int> offsets, Span<float> padded, Span<float> wide, bool accumulate = false)
    {
        int k = c * window.KernelH * window.KernelW, hp = h + 2 * window.PadH, wp = w + 2 * window.PadW;
        int ho = window.OutH(h), wo = window.OutW(w), columns = WideColumns(h, w, window);
        if (x.Length < c * h * w || weight.Length < o * k || y.Length < o * ho * wo || offsets.Length < k
            || padded.Length < PaddedLength(c, h, w, window) || wide.Length < o * columns || o % TileRows != 0)
            throw new ArgumentException("Indirect convolution buffers are too short.");

        // The padded plane: zeros around each channel's H×W interior (and in the slack after the last channel).
        padded[..PaddedLength(c, h, w, window)].Clear();
        for (int ch = 0; ch < c; ch++)
            for (int r = 0; r < h; r++)
                x.Slice((ch * h + r) * w, w).CopyTo(padded.Slice(ch * hp * wp + (r + window.PadH) * wp + window.PadW, w));

        fixed (float* xp = padded, wp0 = weight, yw = wide)
        fixed (int* offs = offsets)
        {
            for (int jt = 0; jt < columns; jt += TileColumns)
                for (int ir = 0; ir < o; ir += TileRows)
                    Tile8x32(k, wp0 + (long)ir * k, k, xp + jt, offs, yw + (long)ir * columns + jt, columns);
        }

        // Keep the Wo valid columns of each wide output row.
        for (int oc = 0; oc < o; oc++)
            for (int oh = 0; oh < ho; oh++)
            {
                var from = wide.Slice(oc * columns + oh * wp, wo);
                var to = y.Slice((oc * ho + oh) * wo, wo);
                if (accumulate) System.Numerics.Tensors.TensorPrimitives.Add(to, from, to);
                else from.CopyTo(to);
            }
    }

    /// <summary>c (8 × 32, row stride ldc) = a (8 × kc, row stride lda) · B, row p of B being the 32 floats at b + offsets[p].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8x32(int kc, float* a, nint lda, float* b, int* offsets, float* c, nint ldc)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int p = 0; p < kc; p++)
        {
            float* row = b + offsets[p];
            Vector512<float> b0 = Vector512.Load(row), b1 = Vector512.Load(row + 16);
            Vector512<float> s = Vector512.Create(a[p]);
            c00 = Avx512F.FusedMultiplyAdd(s, b0, c00); c01 = Avx512F.FusedMultiplyAdd(s, b1, c01);
            s = Vector512.Create(a1[p]);
            c10 = Avx512F.FusedMultiplyAdd(s, b0, c10); c11 = Avx512F.FusedMultiplyAdd(s, b1, c11);
            s = Vector512.Create(a2[p]);
            c20 = Avx512F.FusedMultiplyAdd(s, b0, c20); c21 = Avx512F.FusedMultiplyAdd(s, b1, c21);
            s = Vector512.Create(a3[p]);
            c30 = Avx512F.FusedMultiplyAdd(s, b0, c30); c31 = Avx512F.FusedMultiplyAdd(s, b1, c31);
            s = Vector512.Create(a4[p]);
            c40 = Avx512F.FusedMultiplyAdd(s, b0, c40); c41 = Avx512F.FusedMultiplyAdd(s, b1, c41);
            s = Vector512.Create(a5[p]);
            c50 = Avx512F.FusedMultiplyAdd(s, b0, c50); c51 = Avx512F.FusedMultiplyAdd(s, b1, c51);
            s = Vector512.Create(a6[p]);
            c60 = Avx512F.FusedMultiplyAdd(s, b0, c60); c61 = Avx512F.FusedMultiplyAdd(s, b1, c61);
            s = Vector512.Create(a7[p]);
            c70 = Avx512F.FusedMultiplyAdd(s, b0, c70); c71 = Avx512F.FusedMultiplyAdd(s, b1, c71);
        }
        c00.Store(c); c01.Store(c + 16);
        c10.Store(c + ldc); c11.Store(c + ldc + 16);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 16);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + 16);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + 16);
        c60.Store(c + 6 * ldc); c61.Store(c + 6 * ldc + 16);
        c70.Store(c + 7 * ldc); c71.Store(c + 7 * ldc + 16);
    }
}
