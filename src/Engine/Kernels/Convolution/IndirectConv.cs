using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Convolution as an indirect GEMM, with no column matrix. The input is copied once into a zero-padded polyphase plane:
/// padded position (r, q) of channel c, with r = ih + ph and q = iw + pw, goes to phase (a, b) = (r mod sh, q mod sw) at
/// (r / sh, q / sw), each phase a (Hq, Wq) block with Hq = ⌈Hp / sh⌉, Wq = ⌈Wp / sw⌉, blocks ordered (c, a, b). Output
/// position n′ = oh·Wq + ow of a "wide" output row (ow &lt; Wq) then reads tap (c, i, j) at plane[offset(c, i, j) + n′]
/// with offset = ((c·sh + i·dh mod sh)·sw + j·dw mod sw)·Hq·Wq + ⌊i·dh / sh⌋·Wq + ⌊j·dw / sw⌋: row (c, i, j) of the
/// would-be column matrix is the plane shifted by a fixed offset, and the micro-kernel reads it in place through an
/// offset table. With stride 1 there is one phase, the plain padded plane. When Wo is a multiple of 16, tiles are made
/// of row-aligned 16-column segments stored straight into y; otherwise the Wq − Wo extra columns per output row are
/// computed into a wide buffer and dropped (6 % extra work at 32×32 with padding 1). Either way there is no im2col and
/// no packing pass. Backward of a strided convolution uses the same plane (<see cref="ExtractPlane"/>, and
/// <see cref="PhaseInputGradient"/>, <see cref="ChannelsLastWeightGradient"/>, or the column-matrix fallbacks
/// <see cref="UnfoldWide"/> and <see cref="FoldWide"/>).
/// </summary>
internal static unsafe partial class IndirectConv
{
    /// <summary>Output channels per register tile.</summary>
    public const int TileRows = 8;

    /// <summary>Wide-output columns per register tile.</summary>
    public const int TileColumns = 32;

    /// <summary>
    /// True for O a multiple of 8, AVX-512, and at most 1/7 extra columns (Wq − Wo ≤ Wo / 7): measured per image
    /// against im2col into packed panels, 49 vs 61 µs at 16×32×32 → 16, 50 vs 55 at 32×16×16 → 32, 77 vs 81 at
    /// 32×14×14 → 64, but 65 vs 59 at 64×8×8 → 64, where 2 of every 10 columns are dropped.
    /// </summary>
    public static bool Applies(in Window2d window, int outChannels, int w) =>
        outChannels % TileRows == 0 && 7 * (PlaneWidth(w, window) - window.OutW(w)) <= window.OutW(w)
        && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>Wq = ⌈(W + 2·pw) / sw⌉, the row length of each phase block (and of the wide output).</summary>
    public static int PlaneWidth(int w, in Window2d window) => (w + 2 * window.PadW + window.StrideW - 1) / window.StrideW;

    /// <summary>Hq = ⌈(H + 2·ph) / sh⌉, the rows of each phase block.</summary>
    public static int PlaneHeight(int h, in Window2d window) => (h + 2 * window.PadH + window.StrideH - 1) / window.StrideH;

    /// <summary>Floats of the planes (C·sh·sw blocks of Hq × Wq) of one image.</summary>
    private static int PlaneLength(int c, int h, int w, in Window2d window) =>
        c * window.StrideH * window.StrideW * PlaneHeight(h, window) * PlaneWidth(w, window);

    /// <summary>Floats of the plane of one image, with slack for the last tile's reads past the end.</summary>
    public static int PaddedLength(int c, int h, int w, in Window2d window) =>
        PlaneLength(c, h, w, window) + WideColumns(h, w, window) + PlaneWidth(w, window);

    /// <summary>Floats of the wide output (O, ⌈Ho·Wq / 32⌉·32) of one image.</summary>
    public static int WideLength(int o, int h, int w, in Window2d window) => o * WideColumns(h, w, window);

    /// <summary>N′ = Ho·Wq, the columns of one image's wide output (or wide column matrix) without tile rounding.</summary>
    public static int WideWidth(int h, int w, in Window2d window) => window.OutH(h) * PlaneWidth(w, window);

    private static int WideColumns(int h, int w, in Window2d window) =>
        (WideWidth(h, w, window) + TileColumns - 1) / TileColumns * TileColumns;

    /// <summary>offsets[(c·kh + i)·kw + j], the shift of tap (c, i, j)'s row in the plane (see the class summary).</summary>
    public static void Offsets(Span<int> offsets, int c, int h, int w, in Window2d window)
    {
        int sh = window.StrideH, sw = window.StrideW, hq = PlaneHeight(h, window), wq = PlaneWidth(w, window);
        int kh = window.KernelH, kw = window.KernelW;
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++)
                {
                    int di = i * window.DilationH, dj = j * window.DilationW;
                    offsets[(ch * kh + i) * kw + j] = ((ch * sh + di % sh) * sw + dj % sw) * hq * wq + di / sh * wq + dj / sw;
                }
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
    /// <param name="window">Any window.</param>
    /// <param name="offsets">From <see cref="Offsets"/>, K entries.</param>
    /// <param name="padded">At least <see cref="PaddedLength"/> floats of scratch.</param>
    /// <param name="wide">At least <see cref="WideLength"/> floats of scratch.</param>
    /// <param name="accumulate">Add to y instead of overwriting it.</param>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Span<float> y, int c, int h, int w, int o,
        in Window2d window, ReadOnlySpan<int> offsets, Span<float> padded, Span<float> wide, bool accumulate = false)
    {
        int k = c * window.KernelH * window.KernelW, wq = PlaneWidth(w, window);
        int ho = window.OutH(h), wo = window.OutW(w), columns = WideColumns(h, w, window);
        if (x.Length < c * h * w || weight.Length < o * k || y.Length < o * ho * wo || offsets.Length < k
            || padded.Length < PaddedLength(c, h, w, window) || wide.Length < o * columns || o % TileRows != 0)
            throw new ArgumentException("Indirect convolution buffers are too short.");

        FillPlane(x, padded, c, h, w, window);
        if (wo % 16 == 0)
        {
            ForwardRowAligned(weight, y, k, o, ho, wo, wq, offsets, padded, accumulate);
            return;
        }
        fixed (float* xp = padded, wp0 = weight, yw = wide)
        fixed (int* offs = offsets)
        {
            for (int jt = 0; jt < columns; jt += TileColumns)
                for (int ir = 0; ir < o; ir += TileRows)
                    Tile8x32(k, wp0 + (long)ir * k, k, xp + jt, 16, offs, yw + (long)ir * columns + jt, columns, true, false);
        }

        // Keep the Wo valid columns of each wide output row.
        for (int oc = 0; oc < o; oc++)
            for (int oh = 0; oh < ho; oh++)
            {
                var from = wide.Slice(oc * columns + oh * wq, wo);
                var to = y.Slice((oc * ho + oh) * wo, wo);
                if (accumulate) System.Numerics.Tensors.TensorPrimitives.Add(to, from, to);
                else from.CopyTo(to);
            }
    }

    /// <summary>
    /// Output widths that are multiples of 16: each tile takes two 16-column segments of valid outputs (the rest of a
    /// row, or the start of the next one) and stores them straight into y, where they are adjacent, so no dropped
    /// column is computed and no wide output is copied back (at 32×32 with 16 channels that copy and the 6 % of
    /// dropped columns took a fifth of the forward).
    /// </summary>
    private static void ForwardRowAligned(ReadOnlySpan<float> weight, Span<float> y, int k, int o, int ho, int wo, int wq,
        ReadOnlySpan<int> offsets, ReadOnlySpan<float> padded, bool accumulate)
    {
        int n = ho * wo, segments = n / 16;
        fixed (float* xp = padded, wp0 = weight, yp = y)
        fixed (int* offs = offsets)
        {
            for (int s0 = 0; s0 < segments; s0 += 2)
            {
                // Segment s covers outputs [16·s, 16·s + 16) of row 16·s / Wo; its inputs start at that row's wide index.
                int s1 = Math.Min(s0 + 1, segments - 1);
                int from0 = 16 * s0 / wo * wq + 16 * s0 % wo, from1 = 16 * s1 / wo * wq + 16 * s1 % wo;
                for (int ir = 0; ir < o; ir += TileRows)
                    Tile8x32(k, wp0 + (long)ir * k, k, xp + from0, from1 - from0, offs, yp + (long)ir * n + 16 * s0, n, s1 != s0, accumulate);
            }
        }
    }
}
