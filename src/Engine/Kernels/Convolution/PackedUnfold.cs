namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Column matrices unfolded straight into packed SGEMM panels (<see cref="PackedRowWriter"/>), a block of channels at a
/// time, each block multiplied as soon as it is written: the SGEMM needs no separate packing pass over col.
/// </summary>
internal static class PackedUnfold
{
    /// <summary>
    /// Channels of one packed column block: at most KC rows deep, so one prepacked product takes it, and the blocks of
    /// <paramref name="channels"/> as even as possible (64 channels of 3×3 taps: 2 × 288 rows, not 504 + 72).
    /// </summary>
    private static int BlockChannels(in Window2d window, int channels)
    {
        int taps = window.KernelH * window.KernelW, most = Math.Max(1, SgemmDriver<Avx512Kernel6x64>.KC / taps);
        int blocks = (channels + most - 1) / most;
        return (channels + blocks - 1) / Math.Max(1, blocks);
    }

    /// <summary>True when column matrices of total width <paramref name="width"/> can be unfolded into packed panels.</summary>
    public static bool Applies(in Window2d window, int width) =>
        window.KernelH * window.KernelW <= SgemmDriver<Avx512Kernel6x64>.KC
        && SgemmPrepacked.PackedLength(window.KernelH * window.KernelW, width, 16) > 0;

    /// <summary>Floats of one packed column block (≤ KC rows, width ≤ <paramref name="width"/>, any panel width ≤ 64) plus alignment slack.</summary>
    public static int Length(in Window2d window, int channels, int width) =>
        BlockChannels(window, channels) * window.KernelH * window.KernelW * ((width + 63) / 64 * 64) + 16;

    /// <summary>
    /// out (M, G·N) (+)= A (M, C·kh·kw) · [col_1 … col_G]: the column matrices of <paramref name="count"/> images are
    /// unfolded straight into packed panels, in blocks of channels at most KC rows deep, each block multiplied by the
    /// matching columns of A (the first block writes or adds as <paramref name="accumulate"/> says, later blocks add).
    /// </summary>
    /// <param name="m">Rows of A and out.</param>
    /// <param name="a">(M, C·kh·kw) row-major.</param>
    /// <param name="images">The images, (C, H, W) each, <paramref name="imageSize"/> apart.</param>
    /// <param name="imageSize">C·H·W.</param>
    /// <param name="count">G, images side by side.</param>
    /// <param name="channels">C</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    /// <param name="window">The unfolding window.</param>
    /// <param name="packedBuffer">At least <see cref="Length"/> floats.</param>
    /// <param name="rowScratch">At least N floats.</param>
    /// <param name="output">(M, G·N), rows <paramref name="ldo"/> apart.</param>
    /// <param name="ldo">Row stride of output.</param>
    /// <param name="accumulate">Add the product to output instead of overwriting it.</param>
    public static void Product(int m, ReadOnlySpan<float> a, ReadOnlySpan<float> images, int imageSize, int count, int channels,
        int h, int w, in Window2d window, Span<float> packedBuffer, Span<float> rowScratch, Span<float> output, int ldo, bool accumulate)
    {
        int taps = window.KernelH * window.KernelW, n = window.OutH(h) * window.OutW(w), width = count * n, k = channels * taps;
        int block = BlockChannels(window, channels);
        for (int c0 = 0; c0 < channels; c0 += block)
        {
            int c1 = Math.Min(channels, c0 + block), rows = (c1 - c0) * taps;
            int offset = SgemmPrepacked.AlignedOffset(packedBuffer), nr = SgemmPrepacked.PanelWidth(m, width);
            var packed = new PackedRowWriter(packedBuffer[offset..], rows, width, nr);
            for (int i = 0; i < count; i++)
                Im2Col.UnfoldPacked(packed, i * n, images.Slice(i * imageSize, imageSize), c0, c1, h, w, window, rowScratch);
            packed.ClearPadding();
            SgemmPrepacked.Multiply(m, width, rows, a[(c0 * taps)..], k, packedBuffer, offset, output, ldo, accumulate || c0 > 0, nr);
        }
    }
}
