namespace MlNetDeep.Engine.Kernels;

/// <summary>One (sub-)problem for the blocked driver: pointers into the caller's storage plus shape and flags.</summary>
internal unsafe struct SgemmArgs
{
    public bool TransA, TransB, Accumulate;
    public int M, N, K, Lda, Ldb, Ldc;
    public float* A, B, C;

    /// <summary>The sub-problem covering rows [i0, i0+rows) of C.</summary>
    public readonly SgemmArgs RowSlice(int i0, int rows)
    {
        SgemmArgs s = this;
        s.M = rows;
        s.A = A + (TransA ? i0 : (long)i0 * Lda);
        s.C = C + (long)i0 * Ldc;
        return s;
    }

    /// <summary>The sub-problem covering columns [j0, j0+cols) of C.</summary>
    public readonly SgemmArgs ColumnSlice(int j0, int cols)
    {
        SgemmArgs s = this;
        s.N = cols;
        s.B = B + (TransB ? (long)j0 * Ldb : j0);
        s.C = C + j0;
        return s;
    }
}
