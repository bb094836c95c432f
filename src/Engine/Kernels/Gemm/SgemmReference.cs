namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Plain scalar SGEMM: the oracle every optimised path is tested against, and the portable fallback.
/// Same contract as <see cref="Sgemm.Multiply"/>. Accumulates each dot product in double.
/// </summary>
internal static class SgemmReference
{
    /// <summary>C = op(A)·op(B) (+ C when <paramref name="accumulate"/>); see <see cref="Sgemm.Multiply"/>.</summary>
    /// <param name="transA">Use Aᵀ.</param>
    /// <param name="transB">Use Bᵀ.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="a">A as stored.</param>
    /// <param name="lda">Row stride of A.</param>
    /// <param name="b">B as stored.</param>
    /// <param name="ldb">Row stride of B.</param>
    /// <param name="c">C (m,n).</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="accumulate">Add into C instead of overwriting it.</param>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                int ci = i * ldc + j;
                c[ci] = accumulate ? c[ci] + (float)sum : (float)sum;
            }
        }
    }
}
