namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major storage:
/// C[m,n] = op(A)[m,k] · op(B)[k,n] (+ C when accumulating).
/// </summary>
/// <remarks>
/// op(X) is X or Xᵀ. Storage is row-major: when <c>transA</c> is false A is stored m×k with row stride
/// <c>lda ≥ k</c>; when true A is stored k×m with <c>lda ≥ m</c>. Likewise for B (k×n or n×k).
/// </remarks>
public static class Sgemm
{
    /// <summary>Computes C = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/> is true.</summary>
    /// <param name="transA">Use Aᵀ.</param>
    /// <param name="transB">Use Bᵀ.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="a">A, row-major with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="c">C (m,n), row-major with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="accumulate">Add into C instead of overwriting it.</param>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        SgemmReference.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }
}
