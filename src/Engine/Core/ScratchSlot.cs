namespace MlNetDeep.Engine;

/// <summary>
/// Names of the transient work buffers of <see cref="Tape.Scratch"/> (and of the per-thread
/// <see cref="Kernels.ConvThreadScratch"/>): each says what the buffer holds. A buffer is valid only inside one forward
/// or one backward function, so two ops never hold one at the same time: names used by different ops may share
/// storage (the aliases at the end), while the names one op uses together are separate buffers.
/// </summary>
internal enum ScratchSlot
{
    /// <summary>Convolution: the column matrix (K, G·N), plain or packed, or a padded / channels-last plane of x.</summary>
    Col = 0,

    /// <summary>Convolution: Y_G (O, G·N), the indirect GEMM's wide output, dY_G gathered, or the dx product of a group.</summary>
    Wide = 1,

    /// <summary>Convolution backward: the column gradient (K, G·N), dY unfolded into packed panels, or a padded plane.</summary>
    Dcol = 2,

    /// <summary>Convolution backward: dWᵀ (K, O) of every batch chunk, summed in chunk order.</summary>
    DwT = 3,

    /// <summary>Convolution backward: the flipped (or reordered, or per-phase) weights of the dx path.</summary>
    FlippedWeight = 4,

    /// <summary>Convolution: one unfolded row, for packed unfolding of windows that are not "same" width.</summary>
    Rows = 5,

    /// <summary>Convolution backward: int tap offsets (stored bit-for-bit) of dY's plane or of the dx phases.</summary>
    DxOffsets = 6,

    /// <summary>2×2 max pooling: the maximum of each horizontal pair (the storage of <see cref="Col"/>).</summary>
    PairMax = Col,

    /// <summary>2×2 max pooling: the int index of each pair's maximum (the storage of <see cref="Wide"/>).</summary>
    PairAt = Wide,
}
