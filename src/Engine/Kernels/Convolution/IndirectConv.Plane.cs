using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetDeep.Engine.Kernels;

// The polyphase plane of IndirectConv: filling it from x, reading gradients back out of it, and the wide column
// layout the strided backward uses over it.
internal static unsafe partial class IndirectConv
{
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
}
