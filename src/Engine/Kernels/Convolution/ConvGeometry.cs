namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Shape of one convolution call: B, C, H, W, O, K = C·kh·kw, N = Ho·Wo, items per SGEMM, 1×1 direct, forward
/// column matrix written straight into packed SGEMM panels, or forward as an indirect GEMM (<see cref="IndirectConv"/>).
/// </summary>
internal readonly record struct ConvGeometry(int B, int C, int H, int W, int O, int K, int N, int Group, bool Direct, bool PackedForward,
    Window2d Window, bool IndirectForward = false, bool ChannelsLastForward = false)
{
    public int ImageSize => C * H * W;
}
