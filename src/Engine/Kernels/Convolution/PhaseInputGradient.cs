namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Input gradient of a strided convolution computed straight into the input's polyphase plane (<see cref="IndirectConv"/>),
/// with no column-matrix gradient. Padded input row r = r′·sh + a receives dY[o, r′ − ⌊i·dh / sh⌋] through exactly the
/// taps i with i·dh ≡ a (mod sh), and likewise for columns, so block (c, a, b) of the plane at position p = r′·Wq + q′ is
/// Σ_(o, taps of the phase) W[o, c, i, j] · dYp[o, p + (Pt − ri)·Wq + (Pl − cj)], where dYp is dY copied once into a
/// plane with the same row length Wq, Pt rows and Pl columns of zeros before it (the largest shifts) and zeros after
/// (Wo + Pl ≤ Wq, so a read past the end of a row lands in the next row's zero padding). Each phase is then an indirect
/// GEMM (W′ of the phase, C × O·taps) whose 8×32 tiles store into the plane block directly; the plane's interior is dx.
/// ResNet's stride-2 3×3 has phases of 4, 2, 2 and 1 taps, a 1×1 stride-2 shortcut one phase of 1 tap.
/// </summary>
internal static unsafe class PhaseInputGradient
{
    /// <summary>
    /// True when every phase can be computed this way: C a multiple of 8, AVX-512 (<see cref="IndirectConv.Applies"/>),
    /// and room in a plane row for the largest column shift before Wo outputs (Wo + Pl ≤ Wq).
    /// </summary>
    public static bool Applies(in Window2d window, int c, int h, int w) =>
        IndirectConv.Applies(window, c, w) && window.OutW(w) + MaxShift(window.KernelW, window.StrideW, window.DilationW) <= IndirectConv.PlaneWidth(w, window);

    /// <summary>The largest shift ⌊i·d / s⌋ over all taps of one axis (Pt, Pl).</summary>
    private static int MaxShift(int kernel, int stride, int dilation) => (kernel - 1) * dilation / stride;

    /// <summary>Floats of dY's plane (O, Hq + Pt + 1, Wq): one slack row for the last tile's reads.</summary>
    public static int DyPlaneLength(int o, int h, int w, in Window2d window) =>
        o * DyPlaneRows(h, window) * IndirectConv.PlaneWidth(w, window) + IndirectConv.TileColumns;

    private static int DyPlaneRows(int h, in Window2d window) =>
        IndirectConv.PlaneHeight(h, window) + MaxShift(window.KernelH, window.StrideH, window.DilationH) + 1;

    /// <summary>
    /// W′ of every phase, back to back in phase order (a, b): W′[c, o·T + t] = W[o, c, i_t, j_t] over the phase's T taps,
    /// and the matching tap offsets in dY's plane, offsets[o·T + t] = o·rows·Wq + (Pt − ri)·Wq + (Pl − cj).
    /// </summary>
    /// <param name="weight">W (O, C, kh, kw)</param>
    /// <param name="o">O</param>
    /// <param name="c">C</param>
    /// <param name="h">H (input)</param>
    /// <param name="w">W (input)</param>
    /// <param name="window">The strided window.</param>
    /// <param name="phaseWeights">C·O·kh·kw floats.</param>
    /// <param name="offsets">O·kh·kw entries.</param>
    public static void Prepare(ReadOnlySpan<float> weight, int o, int c, int h, int w, in Window2d window, Span<float> phaseWeights, Span<int> offsets)
    {
        int kh = window.KernelH, kw = window.KernelW, sh = window.StrideH, sw = window.StrideW, wq = IndirectConv.PlaneWidth(w, window);
        int pt = MaxShift(kh, sh, window.DilationH), pl = MaxShift(kw, sw, window.DilationW), rows = DyPlaneRows(h, window), at = 0;
        Span<int> ti = stackalloc int[kh * kw], tj = stackalloc int[kh * kw];
        for (int a = 0; a < sh; a++)
            for (int b = 0; b < sw; b++)
            {
                int taps = PhaseTaps(window, a, b, ti, tj);
                for (int oc = 0; oc < o; oc++)
                    for (int t = 0; t < taps; t++)
                    {
                        int ri = ti[t] * window.DilationH / sh, cj = tj[t] * window.DilationW / sw;
                        offsets[at * o + oc * taps + t] = oc * rows * wq + (pt - ri) * wq + (pl - cj);
                        for (int ch = 0; ch < c; ch++)
                            phaseWeights[at * o * c + ch * o * taps + oc * taps + t] = weight[((oc * c + ch) * kh + ti[t]) * kw + tj[t]];
                    }
                at += taps;
            }
    }

    /// <summary>
    /// The taps (i, j) of phase (a, b), those with i·dh ≡ a (mod sh) and j·dw ≡ b (mod sw), in row-major order: their
    /// count, and their rows and columns in <paramref name="rows"/> and <paramref name="cols"/> when these are not empty.
    /// </summary>
    private static int PhaseTaps(in Window2d window, int a, int b, Span<int> rows, Span<int> cols)
    {
        int taps = 0;
        for (int i = 0; i < window.KernelH; i++)
            for (int j = 0; j < window.KernelW; j++)
            {
                if (i * window.DilationH % window.StrideH != a || j * window.DilationW % window.StrideW != b) continue;
                if (!rows.IsEmpty)
                {
                    rows[taps] = i;
                    cols[taps] = j;
                }
                taps++;
            }
        return taps;
    }

    /// <summary>
    /// dx (C, H, W) = or += the input gradient of one item from dY (O, Ho·Wo), through <paramref name="plane"/> (at least
    /// <see cref="IndirectConv.PaddedLength"/> floats) and <paramref name="dyPlane"/> (<see cref="DyPlaneLength"/>).
    /// </summary>
    public static void Compute(ReadOnlySpan<float> dy, Span<float> dx, int o, int c, int h, int w, in Window2d window,
        ReadOnlySpan<float> phaseWeights, ReadOnlySpan<int> offsets, Span<float> dyPlane, Span<float> plane, bool accumulate)
    {
        int kh = window.KernelH, kw = window.KernelW, sh = window.StrideH, sw = window.StrideW;
        int ho = window.OutH(h), wo = window.OutW(w), hq = IndirectConv.PlaneHeight(h, window), wq = IndirectConv.PlaneWidth(w, window);
        int pt = MaxShift(kh, sh, window.DilationH), pl = MaxShift(kw, sw, window.DilationW), rows = DyPlaneRows(h, window);
        int block = hq * wq, channelStride = sh * sw * block;
        if (dy.Length < o * ho * wo || dx.Length < c * h * w || dyPlane.Length < DyPlaneLength(o, h, w, window)
            || plane.Length < IndirectConv.PaddedLength(c, h, w, window) || c % IndirectConv.TileRows != 0)
            throw new ArgumentException("Phase input-gradient buffers are too short.");

        // dY's plane: zeros around each channel's Ho × Wo block, which starts Pt rows down and Pl columns in.
        dyPlane[..DyPlaneLength(o, h, w, window)].Clear();
        for (int oc = 0; oc < o; oc++)
            for (int r = 0; r < ho; r++)
                dy.Slice((oc * ho + r) * wo, wo).CopyTo(dyPlane.Slice((oc * rows + r + pt) * wq + pl, wo));

        plane[..(c * channelStride)].Clear(); // phases no tap reads keep a zero gradient
        Span<float> last = stackalloc float[IndirectConv.TileRows * IndirectConv.TileColumns];
        int at = 0;
        fixed (float* dyp = dyPlane, pp = plane, wp = phaseWeights, lp = last)
        fixed (int* offs = offsets)
        {
            for (int a = 0; a < sh; a++)
                for (int b = 0; b < sw; b++)
                {
                    int taps = PhaseTaps(window, a, b, default, default);
                    if (taps == 0) continue;
                    int k = o * taps;
                    float* wPhase = wp + (long)at * o * c;
                    int* oPhase = offs + at * o;
                    float* blockStart = pp + (a * sw + b) * block;
                    for (int jt = 0; jt < block; jt += IndirectConv.TileColumns)
                    {
                        int cols = Math.Min(IndirectConv.TileColumns, block - jt);
                        for (int ir = 0; ir < c; ir += IndirectConv.TileRows)
                        {
                            float* target = blockStart + (long)ir * channelStride + jt;
                            if (cols == IndirectConv.TileColumns)
                            {
                                IndirectConv.Tile8x32(k, wPhase + (long)ir * k, k, dyp + jt, 16, oPhase, target, channelStride, true, false);
                                continue;
                            }
                            // The block's last columns: a full tile into scratch, its valid part copied (a full store
                            // would run into the next block).
                            IndirectConv.Tile8x32(k, wPhase + (long)ir * k, k, dyp + jt, 16, oPhase, lp, IndirectConv.TileColumns, true, false);
                            for (int r = 0; r < IndirectConv.TileRows; r++)
                                new ReadOnlySpan<float>(lp + r * IndirectConv.TileColumns, cols).CopyTo(new Span<float>(target + (long)r * channelStride, cols));
                        }
                    }
                    at += taps;
                }
        }
        IndirectConv.ExtractPlane(plane, dx, c, h, w, window, accumulate);
    }
}
