using System.Runtime.Intrinsics;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// A channels-last copy of one image's zero-padded polyphase plane: the positions of <see cref="IndirectConv"/>'s plane
/// (pos = (a·sw + b)·Hq·Wq + r′·Wq + q′ for padded row r = r′·sh + a and column q = q′·sw + b), each holding all C
/// channels: xcl[pos·C + c]. 16 consecutive channels at one position are one vector load, which the channels-last
/// weight gradient and convolution read (<see cref="ChannelsLastWeightGradient"/>, <see cref="ChannelsLastConv"/>).
/// </summary>
internal static unsafe class ChannelsLastPlane
{
    /// <summary>Floats of the channels-last plane of one image, sh·sw·Hq·Wq·C.</summary>
    public static int Length(int c, int h, int w, in Window2d window) => Positions(h, w, window) * c;

    private static int Positions(int h, int w, in Window2d window) =>
        window.StrideH * window.StrideW * IndirectConv.PlaneHeight(h, window) * IndirectConv.PlaneWidth(w, window);

    /// <summary>
    /// Writes the channels-last plane of one image (zeros in the padding), 8 channels × 8 columns transposed at a time:
    /// straight into the plane with stride 1, through a small block otherwise (consecutive columns go to different phases).
    /// </summary>
    /// <param name="x">(C, H, W)</param>
    /// <param name="plane">At least <see cref="Length"/> floats.</param>
    /// <param name="c">C (a multiple of 16)</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    /// <param name="window">The convolution window (for its padding).</param>
    public static void Fill(ReadOnlySpan<float> x, Span<float> plane, int c, int h, int w, in Window2d window)
    {
        int sh = window.StrideH, sw = window.StrideW, wq = IndirectConv.PlaneWidth(w, window);
        int block = IndirectConv.PlaneHeight(h, window) * wq, length = Length(c, h, w, window);
        if (x.Length < c * h * w || plane.Length < length || c % 16 != 0) throw new ArgumentException("Channels-last plane buffers are too short.");
        plane[..length].Clear();
        float* tmp = stackalloc float[64];
        fixed (float* xs = x, ps = plane)
        {
            for (int r = 0; r < h; r++)
            {
                int pr = r + window.PadH;
                long rowPos = (long)pr % sh * sw * block + pr / sh * wq; // position of padded column 0 in phase (a, 0)
                for (int c0 = 0; c0 < c; c0 += 8)
                {
                    float* src = xs + ((long)c0 * h + r) * w;
                    int iw = 0;
                    for (; iw + 8 <= w; iw += 8)
                    {
                        if (sw == 1)
                        {
                            SgemmPacking.Transpose8x8(src + iw, (nint)h * w, ps + (rowPos + iw + window.PadW) * c + c0, c);
                            continue;
                        }
                        SgemmPacking.Transpose8x8(src + iw, (nint)h * w, tmp, 8);
                        for (int l = 0; l < 8; l++)
                        {
                            int q = iw + l + window.PadW;
                            Vector256.Load(tmp + 8 * l).Store(ps + (rowPos + (long)(q % sw) * block + q / sw) * c + c0);
                        }
                    }
                    for (; iw < w; iw++)
                    {
                        int q = iw + window.PadW;
                        float* to = ps + (rowPos + (long)(q % sw) * block + q / sw) * c + c0;
                        for (int cc = 0; cc < 8; cc++) to[cc] = src[(long)cc * h * w + iw];
                    }
                }
            }
        }
    }
}
