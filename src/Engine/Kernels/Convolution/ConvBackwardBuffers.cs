namespace MlNetDeep.Engine.Kernels;

/// <summary>Per-thread work buffers of one backward range (lengths from <see cref="ConvBackwardPlan"/>).</summary>
internal readonly ref struct ConvBackwardBuffers(Span<float> col, Span<float> wide, Span<float> dcol, Span<float> rowScratch)
{
    /// <summary>(K, G·N) column matrix for dW.</summary>
    public readonly Span<float> Col = col;

    /// <summary>dY_G (O, G·N) gathered, then the dx product (C, G·H·W) of a group.</summary>
    public readonly Span<float> Wide = wide;

    /// <summary>(K, G·N) column gradient, or the packed unfolded dY of the transposed-convolution path.</summary>
    public readonly Span<float> Dcol = dcol;

    /// <summary>One unfolded row, for packed unfolding of windows that are not "same" width.</summary>
    public readonly Span<float> RowScratch = rowScratch;
}
