using System.Numerics.Tensors;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Unfolds one image into the column matrix of a convolution and folds gradients back.
/// Dimension letters: src/Engine/Kernels/Convolution/README.md.
/// col is (C·kh·kw, Ho·Wo): row r = (c·kh + i)·kw + j, column oh·Wo + ow holds
/// x[c, oh·sh − ph + i·dh, ow·sw − pw + j·dw], or 0 where that position is padding.
/// </summary>
internal static class Im2Col
{
    /// <summary>Writes (overwrites) the column matrix of one image.</summary>
    /// <param name="col">(C·kh·kw, Ho·Wo) destination, rows <paramref name="ldCol"/> apart.</param>
    /// <param name="ldCol">Row stride of col (≥ Ho·Wo; larger when several images share one column matrix side by side).</param>
    /// <param name="x">(C, H, W) one image.</param>
    /// <param name="c">C</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    /// <param name="window">Kernel, stride, padding, dilation.</param>
    public static void Unfold(Span<float> col, int ldCol, ReadOnlySpan<float> x, int c, int h, int w, in Window2d window)
    {
        int kh = window.KernelH, kw = window.KernelW, n = window.OutH(h) * window.OutW(w);
        for (int ch = 0; ch < c; ch++)
        {
            var plane = x.Slice(ch * h * w, h * w);
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++) UnfoldRow(col.Slice(((ch * kh + i) * kw + j) * ldCol, n), plane, h, w, window, i, j);
        }
    }

    /// <summary>Row (i, j) of one channel's column matrix: dst (Ho·Wo) = the plane read through tap (i, j), 0 in padding.</summary>
    private static void UnfoldRow(Span<float> dst, ReadOnlySpan<float> plane, int h, int w, in Window2d window, int i, int j)
    {
        int sh = window.StrideH, sw = window.StrideW, ho = window.OutH(h), wo = window.OutW(w);
        int colOffset = j * window.DilationW - window.PadW;
        ValidRange(colOffset, sw, w, wo, out int lo, out int hi);
        if (sh == 1 && sw == 1 && wo == w)
        {
            UnfoldContiguous(dst, plane, h, w, ho, i * window.DilationH - window.PadH, colOffset, lo, hi);
            return;
        }
        for (int oh = 0; oh < ho; oh++)
        {
            var row = dst.Slice(oh * wo, wo);
            int ih = oh * sh - window.PadH + i * window.DilationH;
            if ((uint)ih >= (uint)h) { row.Clear(); continue; }
            row[..lo].Clear();
            row[hi..].Clear();
            var src = plane.Slice(ih * w, w);
            if (sw == 1)
                src.Slice(lo + colOffset, hi - lo).CopyTo(row[lo..hi]);
            else
                for (int ow = lo; ow < hi; ow++) row[ow] = src[ow * sw + colOffset];
        }
    }

    /// <summary>
    /// Writes rows of the column matrix of one image straight into SGEMM-packed panels (columns [j0, j0 + Ho·Wo) of the
    /// packed operand), for channels [c0, c1) only (row (c − c0)·kh·kw + tap), so the full column matrix is never
    /// written and re-read. Stride 1 with Wo = W ("same" width) copies the shifted plane into the panels directly;
    /// other windows unfold each row into <paramref name="rowScratch"/> (small, stays in cache) and copy it over.
    /// </summary>
    /// <param name="packed">Writer over the packed ((c1 − c0)·kh·kw, total columns) operand.</param>
    /// <param name="j0">First column of this image.</param>
    /// <param name="x">(C, H, W) one image.</param>
    /// <param name="c0">First channel.</param>
    /// <param name="c1">End of the channel range.</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    /// <param name="window">Kernel, stride, padding, dilation.</param>
    /// <param name="rowScratch">Scratch of at least Ho·Wo floats.</param>
    internal static void UnfoldPacked(PackedRowWriter packed, int j0, ReadOnlySpan<float> x, int c0, int c1, int h, int w, in Window2d window,
        Span<float> rowScratch)
    {
        int kh = window.KernelH, kw = window.KernelW, ho = window.OutH(h), wo = window.OutW(w), n = ho * wo, plane = h * w;
        bool contiguous = window.StrideH == 1 && window.StrideW == 1 && wo == w;
        for (int ch = c0; ch < c1; ch++)
        {
            var xp = x.Slice(ch * plane, plane);
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++)
                {
                    int r = ((ch - c0) * kh + i) * kw + j;
                    if (!contiguous)
                    {
                        UnfoldRow(rowScratch[..n], xp, h, w, window, i, j);
                        packed.WriteRow(r, j0, rowScratch[..n]);
                        continue;
                    }
                    int colOffset = j * window.DilationW - window.PadW;
                    ValidRange(colOffset, 1, w, wo, out int lo, out int hi);
                    UnfoldContiguousPacked(packed, r, j0, xp, h, w, ho, i * window.DilationH - window.PadH, colOffset, lo, hi);
                }
        }
    }

    /// <summary><see cref="UnfoldContiguous"/> into row <paramref name="r"/> of packed panels, from column j0.</summary>
    private static void UnfoldContiguousPacked(PackedRowWriter packed, int r, int j0, ReadOnlySpan<float> plane, int h, int w, int ho,
        int rowOffset, int colOffset, int lo, int hi)
    {
        var (oh0, oh1, first, count) = ContiguousBlock.Of(h, w, ho, rowOffset, colOffset, lo, hi);
        packed.ClearRow(r, j0, oh0 * w);
        packed.ClearRow(r, j0 + oh1 * w, (ho - oh1) * w);
        if (oh0 == oh1 || lo == hi)
        {
            packed.ClearRow(r, j0 + oh0 * w, (oh1 - oh0) * w);
            return;
        }
        packed.WriteRow(r, j0 + oh0 * w + lo, plane.Slice(first, count));
        if (lo == 0 && hi == w) return;
        packed.ClearColumns(r, j0 + oh0 * w, oh1 - oh0, w, lo, hi);
    }

    /// <summary>
    /// Adds (+=) a column-matrix gradient into the gradient of one image (the adjoint of <see cref="Unfold"/>).
    /// <paramref name="col"/> is consumed: entries that belong to padding may be zeroed.
    /// </summary>
    /// <param name="dx">(C, H, W) accumulated into.</param>
    /// <param name="col">(C·kh·kw, Ho·Wo) gradient of the column matrix, rows <paramref name="ldCol"/> apart.</param>
    /// <param name="ldCol">Row stride of col (≥ Ho·Wo).</param>
    /// <param name="c">C</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    /// <param name="window">Kernel, stride, padding, dilation.</param>
    public static void FoldAdd(Span<float> dx, Span<float> col, int ldCol, int c, int h, int w, in Window2d window)
    {
        int kh = window.KernelH, kw = window.KernelW, sh = window.StrideH, sw = window.StrideW;
        int ho = window.OutH(h), wo = window.OutW(w), n = ho * wo;
        for (int ch = 0; ch < c; ch++)
        {
            var plane = dx.Slice(ch * h * w, h * w);
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++)
                {
                    var src = col.Slice(((ch * kh + i) * kw + j) * ldCol, n);
                    int colOffset = j * window.DilationW - window.PadW;
                    ValidRange(colOffset, sw, w, wo, out int lo, out int hi);
                    if (lo == hi) continue;
                    if (sh == 1 && sw == 1 && wo == w)
                    {
                        FoldAddContiguous(plane, src, h, w, ho, i * window.DilationH - window.PadH, colOffset, lo, hi);
                        continue;
                    }
                    for (int oh = 0; oh < ho; oh++)
                    {
                        int ih = oh * sh - window.PadH + i * window.DilationH;
                        if ((uint)ih >= (uint)h) continue;
                        var row = src.Slice(oh * wo, wo);
                        var dst = plane.Slice(ih * w, w);
                        if (sw == 1)
                        {
                            var d = dst.Slice(lo + colOffset, hi - lo);
                            TensorPrimitives.Add(d, row[lo..hi], d);
                        }
                        else
                        {
                            for (int ow = lo; ow < hi; ow++) dst[ow * sw + colOffset] += row[ow];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Stride 1 with Wo = W ("same" width): the valid output rows read consecutive input rows, so one block copy of the
    /// plane shifted by <paramref name="colOffset"/> fills them; only the lo/hi edge columns, which the shift wraps onto
    /// neighbouring rows, are cleared afterwards.
    /// </summary>
    private static void UnfoldContiguous(Span<float> dst, ReadOnlySpan<float> plane, int h, int w, int ho, int rowOffset, int colOffset, int lo, int hi)
    {
        var (oh0, oh1, first, count) = ContiguousBlock.Of(h, w, ho, rowOffset, colOffset, lo, hi);
        dst[..(oh0 * w)].Clear();
        dst[(oh1 * w)..(ho * w)].Clear();
        if (oh0 == oh1 || lo == hi)
        {
            dst[(oh0 * w)..(oh1 * w)].Clear();
            return;
        }
        plane.Slice(first, count).CopyTo(dst.Slice(oh0 * w + lo, count));
        if (lo == 0 && hi == w) return;
        ClearEdges(dst, w, oh0, oh1, lo, hi);
    }

    /// <summary>
    /// Zeroes columns [0, lo) and [hi, w) of rows [oh0, oh1) of a (rows, w) block. The edges are only padding wide
    /// (1–2 floats), so plain stores beat a Span.Clear call per row (measured: the calls dominated 3×3 im2col).
    /// </summary>
    private static void ClearEdges(Span<float> block, int w, int oh0, int oh1, int lo, int hi)
    {
        if (oh1 <= oh0) return;
        _ = block[oh1 * w - 1]; // one bounds check for the whole block
        ref float r = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(block);
        for (int oh = oh0; oh < oh1; oh++)
        {
            ref float row = ref System.Runtime.CompilerServices.Unsafe.Add(ref r, oh * w);
            for (int j = 0; j < lo; j++) System.Runtime.CompilerServices.Unsafe.Add(ref row, j) = 0f;
            for (int j = hi; j < w; j++) System.Runtime.CompilerServices.Unsafe.Add(ref row, j) = 0f;
        }
    }

    /// <summary>
    /// Adjoint of <see cref="UnfoldContiguous"/>: one block add of the column row into the shifted plane. The block
    /// also covers the lo/hi edge positions, which belong to padding; they hold gradients that must be dropped, so
    /// they are zeroed in <paramref name="src"/> first (it is scratch, consumed here).
    /// </summary>
    private static void FoldAddContiguous(Span<float> plane, Span<float> src, int h, int w, int ho, int rowOffset, int colOffset, int lo, int hi)
    {
        var (oh0, oh1, first, count) = ContiguousBlock.Of(h, w, ho, rowOffset, colOffset, lo, hi);
        if (oh0 == oh1) return;
        if (lo != 0 || hi != w) ClearEdges(src, w, oh0, oh1, lo, hi);
        var d = plane.Slice(first, count);
        TensorPrimitives.Add(d, src.Slice(oh0 * w + lo, count), d);
    }

    /// <summary>
    /// The one block that a stride-1, "same"-width tap copies (see <see cref="UnfoldContiguous"/>): output rows
    /// [Oh0, Oh1) read input rows, and output (Oh0, lo) … (Oh1 − 1, hi − 1) is plane[First … First + Count).
    /// </summary>
    private readonly record struct ContiguousBlock(int Oh0, int Oh1, int First, int Count)
    {
        public static ContiguousBlock Of(int h, int w, int ho, int rowOffset, int colOffset, int lo, int hi)
        {
            int oh0 = Math.Clamp(-rowOffset, 0, ho), oh1 = Math.Clamp(h - rowOffset, oh0, ho);
            return new(oh0, oh1, (oh0 + rowOffset) * w + colOffset + lo, (oh1 - oh0) * w - lo - (w - hi));
        }
    }

    /// <summary>Output columns [lo, hi) whose input column ow·stride + offset lies in [0, w).</summary>
    private static void ValidRange(int offset, int stride, int w, int wo, out int lo, out int hi)
    {
        lo = offset >= 0 ? 0 : Math.Min(wo, (-offset + stride - 1) / stride);
        hi = w - 1 - offset < 0 ? 0 : Math.Min(wo, (w - 1 - offset) / stride + 1);
        if (hi < lo) hi = lo;
    }
}
