using System.Runtime.CompilerServices;
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
internal static unsafe class IndirectConv
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

    /// <summary>Writes the plane of one image: zeros, then x's values at their phase positions.</summary>
    /// <param name="x">(C, H, W)</param>
    /// <param name="plane">At least <see cref="PaddedLength"/> floats.</param>
    /// <param name="c">C</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    /// <param name="window">The convolution window.</param>
    public static void FillPlane(ReadOnlySpan<float> x, Span<float> plane, int c, int h, int w, in Window2d window)
    {
        if (window.StrideH == 1 && window.StrideW == 1)
        {
            FillPaddedPlane(x, plane, c, h, w, window);
            return;
        }
        plane[..PaddedLength(c, h, w, window)].Clear();
        MapPlane(x, plane, c, h, w, window, toPlane: true, accumulate: false);
    }

    /// <summary>
    /// The stride-1 plane (C, Hp, Wp): interior rows copied with vector loads and stores, and only the padding (border
    /// rows, the pw columns either side, the slack) cleared, where a clear of the whole plane and a copy call per row
    /// cost as much as a third of the products at 32×32 with 16 channels.
    /// </summary>
    private static void FillPaddedPlane(ReadOnlySpan<float> x, Span<float> plane, int c, int h, int w, in Window2d window)
    {
        int hp = h + 2 * window.PadH, wp = w + 2 * window.PadW, length = PaddedLength(c, h, w, window);
        if (x.Length < c * h * w || plane.Length < length) throw new ArgumentException("Plane buffers are too short.");
        fixed (float* xs = x, ps = plane)
        {
            for (int ch = 0; ch < c; ch++)
            {
                float* to = ps + (long)ch * hp * wp, from = xs + (long)ch * h * w;
                new Span<float>(to, window.PadH * wp + window.PadW).Clear();
                for (int r = 0; r < h; r++)
                {
                    float* row = to + (long)(r + window.PadH) * wp + window.PadW;
                    CopyRow(from + (long)r * w, row, w);
                    // The right padding of this row and the left padding of the next are adjacent.
                    new Span<float>(row + w, 2 * window.PadW).Clear();
                }
                // Below the last row (its right padding, and with ph = 0 the next channel's first left padding, are cleared above).
                long bottom = (long)(h + window.PadH) * wp + window.PadW;
                if (bottom < (long)hp * wp) new Span<float>(to + bottom, (int)((long)hp * wp - bottom)).Clear();
            }
            new Span<float>(ps + (long)c * hp * wp, length - c * hp * wp).Clear();
        }
    }

    /// <summary>to[0 … n) = from[0 … n) with 16-float vectors and a masked-free scalar tail.</summary>
    private static void CopyRow(float* from, float* to, int n)
    {
        int i = 0;
        for (; i + 16 <= n; i += 16) Vector512.Store(Vector512.Load(from + i), to + i);
        for (; i < n; i++) to[i] = from[i];
    }

    /// <summary>dx (C, H, W) = or += the interior of a plane-shaped gradient (the adjoint of <see cref="FillPlane"/>).</summary>
    public static void ExtractPlane(ReadOnlySpan<float> plane, Span<float> dx, int c, int h, int w, in Window2d window, bool accumulate) =>
        MapPlane(plane, dx, c, h, w, window, toPlane: false, accumulate);

    /// <summary>
    /// Moves each image row to or from its phase rows: with sw = 1 one block copy (add); otherwise one strided run per
    /// column phase (columns q and q + 1 land in different phase blocks). Rows of a phase no tap reads (odd rows of a
    /// 1×1 stride-2 window) are skipped, and get a zero gradient.
    /// </summary>
    private static void MapPlane(ReadOnlySpan<float> from, Span<float> to, int c, int h, int w, in Window2d window, bool toPlane, bool accumulate)
    {
        int sh = window.StrideH, sw = window.StrideW, hq = PlaneHeight(h, window), wq = PlaneWidth(w, window), block = hq * wq;
        // Which phases taps read, decided once per call: the per-row modulo and division loops cost more than moving a
        // row of 32 floats.
        Span<bool> rowRead = stackalloc bool[sh], columnRead = stackalloc bool[sw];
        for (int a = 0; a < sh; a++) rowRead[a] = PhaseRead(a, sh, window.KernelH, window.DilationH);
        for (int b = 0; b < sw; b++) columnRead[b] = PhaseRead(b, sw, window.KernelW, window.DilationW);
        int pw = window.PadW, evenPhase = pw % sw, oddPhase = (1 + pw) % sw;
        for (int r = 0; r < h; r++)
        {
            int pr = r + window.PadH, a = pr % sh, rowInBlock = pr / sh * wq;
            for (int ch = 0; ch < c; ch++)
            {
                int image = (ch * h + r) * w;
                if (!rowRead[a])
                {
                    if (!toPlane && !accumulate) to.Slice(image, w).Clear();
                    continue;
                }
                int rowBase = (ch * sh + a) * sw * block + rowInBlock;
                if (sw == 1)
                {
                    var planeRow = rowBase + pw;
                    if (toPlane) from.Slice(image, w).CopyTo(to.Slice(planeRow, w));
                    else if (accumulate) System.Numerics.Tensors.TensorPrimitives.Add(to.Slice(image, w), from.Slice(planeRow, w), to.Slice(image, w));
                    else from.Slice(planeRow, w).CopyTo(to.Slice(image, w));
                    continue;
                }
                if (sw == 2)
                {
                    // Even image columns 2t go to phase pw mod 2 at column t + ⌊pw / 2⌋, odd ones 2t + 1 to the other
                    // phase at t + ⌊(pw + 1) / 2⌋.
                    int evens = rowBase + evenPhase * block + pw / 2, odds = rowBase + oddPhase * block + (1 + pw) / 2;
                    if (toPlane) SplitRow(from.Slice(image, w), to, evens, odds, columnRead[evenPhase], columnRead[oddPhase]);
                    else JoinRow(from, evens, odds, to.Slice(image, w), columnRead[evenPhase], columnRead[oddPhase], accumulate);
                    continue;
                }
                for (int b = 0; b < sw; b++)
                {
                    // Image columns iw ≡ b − pw (mod sw), from iw0, go to phase b's row from column (iw0 + pw) / sw.
                    int iw0 = ((b - pw) % sw + sw) % sw, count = iw0 < w ? (w - iw0 + sw - 1) / sw : 0;
                    if (count == 0) continue;
                    int at = rowBase + b * block + (iw0 + pw) / sw;
                    if (!columnRead[b])
                    {
                        if (!toPlane && !accumulate) for (int t = 0; t < count; t++) to[image + iw0 + t * sw] = 0f;
                        continue;
                    }
                    if (toPlane) for (int t = 0; t < count; t++) to[at + t] = from[image + iw0 + t * sw];
                    else if (accumulate) for (int t = 0; t < count; t++) to[image + iw0 + t * sw] += from[at + t];
                    else for (int t = 0; t < count; t++) to[image + iw0 + t * sw] = from[at + t];
                }
            }
        }
    }

    private static readonly Vector512<int> EvenLanes = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> LowPairs = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);

    /// <summary>plane[evens + t] = row[2t], plane[odds + t] = row[2t + 1], for the phases that are read (AVX-512 deinterleave).</summary>
    private static void SplitRow(ReadOnlySpan<float> row, Span<float> plane, int evens, int odds, bool evenRead, bool oddRead)
    {
        int w = row.Length, t = 0;
        if (Avx512F.IsSupported && w >= 16)
        {
            _ = plane[Math.Max(evens, odds) + w / 2 - 1]; // one bounds check for the vector stores
            fixed (float* r = row, p = plane)
            {
                var oddLanes = EvenLanes + Vector512<int>.One;
                for (; 2 * t + 32 <= w; t += 16)
                {
                    var lo = Vector512.Load(r + 2 * t);
                    var hi = Vector512.Load(r + 2 * t + 16);
                    if (evenRead) Avx512F.PermuteVar16x32x2(lo, EvenLanes, hi).Store(p + evens + t);
                    if (oddRead) Avx512F.PermuteVar16x32x2(lo, oddLanes, hi).Store(p + odds + t);
                }
                if (2 * t + 16 <= w)
                {
                    // 16 columns (rows of 16 and the rest of rows of 48): 8 of each phase, the low half of a permute.
                    var v = Vector512.Load(r + 2 * t);
                    if (evenRead) Avx512F.PermuteVar16x32(v, EvenLanes).GetLower().Store(p + evens + t);
                    if (oddRead) Avx512F.PermuteVar16x32(v, oddLanes).GetLower().Store(p + odds + t);
                    t += 8;
                }
            }
        }
        for (; 2 * t < w; t++)
        {
            if (evenRead) plane[evens + t] = row[2 * t];
            if (oddRead && 2 * t + 1 < w) plane[odds + t] = row[2 * t + 1];
        }
    }

    /// <summary>
    /// The adjoint of <see cref="SplitRow"/>: row[2t] (+)= plane[evens + t], row[2t + 1] (+)= plane[odds + t], a phase that
    /// is not read contributing zeros (AVX-512 interleave).
    /// </summary>
    private static void JoinRow(ReadOnlySpan<float> plane, int evens, int odds, Span<float> row, bool evenRead, bool oddRead, bool accumulate)
    {
        int w = row.Length, t = 0;
        if (Avx512F.IsSupported && w >= 16)
        {
            _ = plane[Math.Max(evens, odds) + w / 2 - 1];
            fixed (float* r = row, p = plane)
            {
                var highPairs = LowPairs + Vector512.Create(8);
                for (; 2 * t + 32 <= w; t += 16)
                {
                    var e = evenRead ? Vector512.Load(p + evens + t) : Vector512<float>.Zero;
                    var o = oddRead ? Vector512.Load(p + odds + t) : Vector512<float>.Zero;
                    var lo = Avx512F.PermuteVar16x32x2(e, LowPairs, o);
                    var hi = Avx512F.PermuteVar16x32x2(e, highPairs, o);
                    if (accumulate)
                    {
                        lo += Vector512.Load(r + 2 * t);
                        hi += Vector512.Load(r + 2 * t + 16);
                    }
                    lo.Store(r + 2 * t);
                    hi.Store(r + 2 * t + 16);
                }
                if (2 * t + 16 <= w)
                {
                    // 16 columns from 8 of each phase (the low pairs only read lanes 0–7 of each).
                    var e = evenRead ? Vector512.Create(Vector256.Load(p + evens + t), Vector256<float>.Zero) : Vector512<float>.Zero;
                    var o = oddRead ? Vector512.Create(Vector256.Load(p + odds + t), Vector256<float>.Zero) : Vector512<float>.Zero;
                    var lo = Avx512F.PermuteVar16x32x2(e, LowPairs, o);
                    if (accumulate) lo += Vector512.Load(r + 2 * t);
                    lo.Store(r + 2 * t);
                    t += 8;
                }
            }
        }
        for (; 2 * t < w; t++)
        {
            float e = evenRead ? plane[evens + t] : 0f;
            row[2 * t] = accumulate ? row[2 * t] + e : e;
            if (2 * t + 1 >= w) break;
            float o = oddRead ? plane[odds + t] : 0f;
            row[2 * t + 1] = accumulate ? row[2 * t + 1] + o : o;
        }
    }

    /// <summary>True when some tap i of a kernel reads phase <paramref name="phase"/>: i·dilation ≡ phase (mod stride).</summary>
    private static bool PhaseRead(int phase, int stride, int kernel, int dilation)
    {
        for (int i = 0; i < kernel; i++) if (i * dilation % stride == phase) return true;
        return false;
    }

    /// <summary>wide (O, rows ld apart) columns [0, Ho·Wq) = dY (O, Ho·Wo) laid out with row stride Wq, zero in the dropped columns.</summary>
    public static void ToWide(ReadOnlySpan<float> dy, Span<float> wide, int ld, int o, int h, int w, in Window2d window)
    {
        int ho = window.OutH(h), wo = window.OutW(w), wq = PlaneWidth(w, window);
        for (int oc = 0; oc < o; oc++)
            for (int oh = 0; oh < ho; oh++)
            {
                var row = wide.Slice(oc * ld + oh * wq, wq);
                dy.Slice((oc * ho + oh) * wo, wo).CopyTo(row);
                row[wo..].Clear();
            }
    }

    /// <summary>col (K, rows ld apart) columns [0, N′) = the plane read through each tap: row k = plane[offsets[k] …].</summary>
    public static void UnfoldWide(ReadOnlySpan<float> plane, ReadOnlySpan<int> offsets, Span<float> col, int ld, int wideWidth)
    {
        for (int r = 0; r < offsets.Length; r++) plane.Slice(offsets[r], wideWidth).CopyTo(col.Slice(r * ld, wideWidth));
    }

    /// <summary>
    /// The adjoint of <see cref="UnfoldWide"/>: plane = 0, then plane[offsets[k] …] += dcol row k. Dropped columns of
    /// dcol must be zero (they are when dcol = Wᵀ · <see cref="ToWide"/>(dY)); padding positions collect gradients that
    /// <see cref="ExtractPlane"/> ignores.
    /// </summary>
    public static void FoldWide(ReadOnlySpan<float> dcol, int ld, ReadOnlySpan<int> offsets, Span<float> plane, int wideWidth, int planeLength)
    {
        plane[..planeLength].Clear();
        for (int r = 0; r < offsets.Length; r++)
        {
            var to = plane.Slice(offsets[r], wideWidth);
            System.Numerics.Tensors.TensorPrimitives.Add(to, dcol.Slice(r * ld, wideWidth), to);
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

    /// <summary>
    /// c (8 × 32, row stride ldc) = or += a (8 × kc, row stride lda) · B, row p of B being the 16 floats at b + offsets[p]
    /// followed by the 16 at b + offsets[p] + <paramref name="second"/> (16 for 32 adjacent columns); the second half of
    /// c is stored only when <paramref name="storeSecond"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile8x32(int kc, float* a, nint lda, float* b, nint second, int* offsets, float* c, nint ldc, bool storeSecond, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int p = 0; p < kc; p++)
        {
            float* row = b + offsets[p];
            Vector512<float> b0 = Vector512.Load(row), b1 = Vector512.Load(row + second);
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
        StorePair(c, c00, c01, storeSecond, accumulate);
        StorePair(c + ldc, c10, c11, storeSecond, accumulate);
        StorePair(c + 2 * ldc, c20, c21, storeSecond, accumulate);
        StorePair(c + 3 * ldc, c30, c31, storeSecond, accumulate);
        StorePair(c + 4 * ldc, c40, c41, storeSecond, accumulate);
        StorePair(c + 5 * ldc, c50, c51, storeSecond, accumulate);
        StorePair(c + 6 * ldc, c60, c61, storeSecond, accumulate);
        StorePair(c + 7 * ldc, c70, c71, storeSecond, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePair(float* c, Vector512<float> first, Vector512<float> second, bool storeSecond, bool accumulate)
    {
        if (accumulate) first += Vector512.Load(c);
        first.Store(c);
        if (!storeSecond) return;
        if (accumulate) second += Vector512.Load(c + 16);
        second.Store(c + 16);
    }
}
