using System.Numerics.Tensors;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Unfolds one image into the column matrix of a convolution and folds gradients back.
/// Dimension letters: C channels, (H, W) input plane, (Ho, Wo) output plane, (kh, kw) kernel.
/// col is (C·kh·kw, Ho·Wo): row r = (c·kh + i)·kw + j, column oh·Wo + ow holds
/// x[c, oh·sh − ph + i·dh, ow·sw − pw + j·dw], or 0 where that position is padding.
/// </summary>
public static class Im2Col
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
        int kh = window.KernelH, kw = window.KernelW, sh = window.StrideH, sw = window.StrideW;
        int ho = window.OutH(h), wo = window.OutW(w), n = ho * wo;
        for (int ch = 0; ch < c; ch++)
        {
            var plane = x.Slice(ch * h * w, h * w);
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++)
                {
                    var dst = col.Slice(((ch * kh + i) * kw + j) * ldCol, n);
                    int colOffset = j * window.DilationW - window.PadW;
                    ValidRange(colOffset, sw, w, wo, out int lo, out int hi);
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
            }
        }
    }

    /// <summary>Adds (+=) a column-matrix gradient into the gradient of one image (the adjoint of <see cref="Unfold"/>).</summary>
    /// <param name="dx">(C, H, W) accumulated into.</param>
    /// <param name="col">(C·kh·kw, Ho·Wo) gradient of the column matrix, rows <paramref name="ldCol"/> apart.</param>
    /// <param name="ldCol">Row stride of col (≥ Ho·Wo).</param>
    /// <param name="c">C</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    /// <param name="window">Kernel, stride, padding, dilation.</param>
    public static void FoldAdd(Span<float> dx, ReadOnlySpan<float> col, int ldCol, int c, int h, int w, in Window2d window)
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

    /// <summary>Output columns [lo, hi) whose input column ow·stride + offset lies in [0, w).</summary>
    private static void ValidRange(int offset, int stride, int w, int wo, out int lo, out int hi)
    {
        lo = offset >= 0 ? 0 : Math.Min(wo, (-offset + stride - 1) / stride);
        hi = w - 1 - offset < 0 ? 0 : Math.Min(wo, (w - 1 - offset) / stride + 1);
        if (hi < lo) hi = lo;
    }
}
