using System.Runtime.InteropServices;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// The convolution forward of a range of batch items, by the path <see cref="ConvGeometry"/> records (indirect GEMM,
/// channels-last, packed unfolding, or im2col + SGEMM); called by <see cref="Ops.Conv2d"/> and <see cref="Ops.Conv1d"/>.
/// </summary>
internal static class ConvForward
{
    /// <summary>
    /// Forward of items [s0, s1): per item as an indirect GEMM (tap <paramref name="offsets"/>) or from a channels-last
    /// copy (<paramref name="reordered"/> weights), or im2col of G items (into <paramref name="col"/>, plain or packed),
    /// Y_G = W · col, copied to the items' (O, N) blocks.
    /// </summary>
    public static void Range(Span<float> col, Span<float> wide, Span<float> rowScratch, Tensor? offsets, Tensor? reordered,
        Tensor x, Tensor weight, Tensor y, in ConvGeometry g, int s0, int s1)
    {
        int o = g.O, k = g.K, n = g.N, gn = g.Group * n, imageSize = g.ImageSize;
        var ys = y.Span;
        if (g.ChannelsLastForward)
        {
            for (int bi = s0; bi < s1; bi++)
                ChannelsLastConv.Forward(x.Span.Slice(bi * imageSize, imageSize), reordered!.Span, ys.Slice(bi * o * n, o * n), g.C, o, g.H, g.W, g.Window,
                    col, accumulate: false);
            return;
        }
        if (g.IndirectForward)
        {
            var offs = MemoryMarshal.Cast<float, int>(offsets!.Span);
            for (int bi = s0; bi < s1; bi++)
                IndirectConv.Forward(x.Span.Slice(bi * imageSize, imageSize), weight.Span, ys.Slice(bi * o * n, o * n), g.C, g.H, g.W, o,
                    g.Window, offs, col, wide);
            return;
        }
        for (int b0 = s0; b0 < s1; b0 += g.Group)
        {
            int gi0 = Math.Min(g.Group, s1 - b0);
            if (g.PackedForward)
            {
                var images = x.Span.Slice(b0 * imageSize, gi0 * imageSize);
                if (g.Group == 1)
                {
                    PackedUnfold.Product(o, weight.Span, images, imageSize, 1, g.C, g.H, g.W, g.Window, col, rowScratch, ys.Slice(b0 * o * n, o * n), n, false);
                    continue;
                }
                PackedUnfold.Product(o, weight.Span, images, imageSize, gi0, g.C, g.H, g.W, g.Window, col, rowScratch, wide, gn, false);
                CopyGroupOut(wide, ys, b0, gi0, o, n, gn);
                continue;
            }
            ReadOnlySpan<float> src = g.Direct ? x.Span.Slice(b0 * imageSize, imageSize) : UnfoldGroup(col, x, b0, gi0, n, gn, g.C, g.H, g.W, g.Window);
            if (g.Group == 1)
            {
                Sgemm.Multiply(false, false, o, n, k, weight.Span, k, src, gn, ys.Slice(b0 * o * n, o * n), n, accumulate: false);
            }
            else
            {
                Sgemm.Multiply(false, false, o, gi0 * n, k, weight.Span, k, src, gn, wide, gn, accumulate: false);
                CopyGroupOut(wide, ys, b0, gi0, o, n, gn);
            }
        }
    }

    /// <summary>Copies Y_G (O, G·N) to the (O, N) blocks of items b0 … b0+G−1 of y.</summary>
    private static void CopyGroupOut(ReadOnlySpan<float> wide, Span<float> ys, int b0, int g, int o, int n, int gn)
    {
        for (int gi = 0; gi < g; gi++)
            for (int oc = 0; oc < o; oc++)
                wide.Slice(oc * gn + gi * n, n).CopyTo(ys.Slice(((b0 + gi) * o + oc) * n, n));
    }

    /// <summary>Writes the column matrices of items b0 … b0+g−1 side by side into col (K, G·N) and returns it.</summary>
    public static ReadOnlySpan<float> UnfoldGroup(Span<float> col, Tensor x, int b0, int g, int n, int gn, int c, int h, int w, Window2d window)
    {
        int imageSize = c * h * w;
        for (int gi = 0; gi < g; gi++)
            Im2Col.Unfold(col[(gi * n)..], gn, x.Span.Slice((b0 + gi) * imageSize, imageSize), c, h, w, window);
        return col;
    }
}
