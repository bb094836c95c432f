namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// A register-tile micro-kernel: multiplies an MR×kc panel of A (packed, or read in place through strides)
/// by a packed kc×NR panel of B.
/// Implemented by structs so the generic driver is specialised (and the kernel call devirtualised) per kernel.
/// </summary>
internal interface ISgemmKernel
{
    /// <summary>Rows of the register tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile.</summary>
    static abstract int NR { get; }

    /// <summary>
    /// Computes the full MR×NR tile <c>C = A·Bp</c> (or <c>C += A·Bp</c> when <paramref name="add"/>).
    /// </summary>
    /// <param name="kc">Inner dimension of this block.</param>
    /// <param name="a">A panel; element (i, p) is <c>a[i·rsA + p·csA]</c>. A packed panel has rsA = 1, csA = MR.</param>
    /// <param name="rsA">Distance between rows of the A panel, in floats.</param>
    /// <param name="csA">Distance between columns of the A panel, in floats.</param>
    /// <param name="b">Packed B panel: kc rows of NR contiguous values.</param>
    /// <param name="c">Top-left element of the C tile.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="add">Add into C instead of overwriting it.</param>
    static abstract unsafe void Run(int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add);

    /// <summary>
    /// Computes a partial tile, its first <paramref name="h"/> rows and <paramref name="w"/> columns (not both full),
    /// with a smaller tile when the kernel has one for that shape (the last row or column panel of a product); false
    /// leaves it to the driver, which runs <see cref="Run"/> into scratch. Must sum every element exactly as
    /// <see cref="Run"/> does. The A panel holds MR readable rows and the B panel NR columns (zero padding).
    /// </summary>
    static virtual unsafe bool RunPartial(int h, int w, int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add) => false;
}
