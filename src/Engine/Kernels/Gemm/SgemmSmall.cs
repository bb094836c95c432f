using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Products with very few rows of C and B not transposed (a batch of one at inference, a recurrent step of one
/// sequence): the packed driver would copy all of B for a few rows of work, so each row of C is built here straight
/// from the caller's storage as a sum of scaled rows of B, in registers.
/// </summary>
/// <remarks>
/// Every element of C is summed exactly as the packed AVX-512 and AVX2 kernels sum it (one fused multiply-add per k in
/// order, in blocks of <see cref="SgemmDriver{TKernel}.KC"/>, each block's sum added to C), so a row's result does
/// not depend on how many rows the product has (padding and batch-size invariance stay bitwise).
/// </remarks>
internal static class SgemmSmall
{
    /// <summary>Largest m taken by this path on AVX-512.</summary>
    public const int MaxRows = 4;

    /// <summary>
    /// Largest m taken on the AVX2 path. Each row reads all of B, so the gain over packing B once shrinks with m:
    /// on a 2-core Zen (AVX2) the row routine ran 3–4× the packed product at m = 1, 2.1× at m = 2, 1.5× at m = 3 and
    /// 0.87–1.16× at m = 4 (n × k = 512 × 512, 384 × 128, 1024 × 1024).
    /// </summary>
    public const int MaxRowsAvx2 = 3;

    /// <summary>True when C = op(A)·op(B) is taken by this path.</summary>
    public static bool Applies(bool transB, int m) => !transB && (Sgemm.BestPath switch
    {
        SgemmPath.Avx512 => m <= MaxRows,
        SgemmPath.Avx2 => m <= MaxRowsAvx2,
        _ => false,
    });

    /// <summary>C = op(A)·B (+ C), for m ≤ <see cref="MaxRows"/> and m, n, k &gt; 0, on the best path of this CPU.</summary>
    public static void Multiply(bool transA, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate) =>
        Multiply(transA, m, n, k, a, lda, b, ldb, c, ldc, accumulate, Sgemm.BestPath);

    /// <summary>
    /// C = op(A)·B (+ C) with the row routine of <paramref name="path"/> (<see cref="SgemmPath.Avx512"/> or
    /// <see cref="SgemmPath.Avx2"/>, which must be supported): equal bit for bit to that path's packed product.
    /// </summary>
    internal static void Multiply(bool transA, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate, SgemmPath path)
    {
        bool avx512 = path == SgemmPath.Avx512;
        float[]? gathered = transA ? new float[k] : null;
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<float> aRow;
            if (gathered is not null)
            {
                for (int p = 0; p < k; p++) gathered[p] = a[p * lda + i];
                aRow = gathered;
            }
            else
            {
                aRow = a.Slice(i * lda, k);
            }

            var cRow = c.Slice(i * ldc, n);
            const int kcMax = SgemmDriver<Avx512Kernel6x64>.KC;
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                if (avx512) RowTimesB(aRow.Slice(pc, kc), b.Slice(pc * ldb), ldb, n, cRow, accumulate || pc > 0);
                else SgemmSmallAvx2.RowTimesB(aRow.Slice(pc, kc), b.Slice(pc * ldb), ldb, n, cRow, accumulate || pc > 0);
            }
        }
    }

    /// <summary>c = Σ_p a[p]·B[p, :] (+ c) for B stored k×n.</summary>
    private static void RowTimesB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int ldb, int n, Span<float> c, bool add)
    {
        int k = a.Length, j = 0;
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        for (; j + 128 <= n; j += 128)
        {
            // Eight independent accumulator chains per k step (enough to cover the FMA latency).
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector512<float> s4 = default, s5 = default, s6 = default, s7 = default;
            ref float bj = ref Unsafe.Add(ref rb, j);
            for (int p = 0; p < k; p++)
            {
                var ap = Vector512.Create(Unsafe.Add(ref ra, p));
                ref float row = ref Unsafe.Add(ref bj, (nint)p * ldb);
                s0 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row), s0);
                s1 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row, 16), s1);
                s2 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row, 32), s2);
                s3 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row, 48), s3);
                s4 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row, 64), s4);
                s5 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row, 80), s5);
                s6 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row, 96), s6);
                s7 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row, 112), s7);
            }
            ref float cj = ref Unsafe.Add(ref rc, j);
            if (add)
            {
                s0 += Vector512.LoadUnsafe(ref cj);
                s1 += Vector512.LoadUnsafe(ref cj, 16);
                s2 += Vector512.LoadUnsafe(ref cj, 32);
                s3 += Vector512.LoadUnsafe(ref cj, 48);
                s4 += Vector512.LoadUnsafe(ref cj, 64);
                s5 += Vector512.LoadUnsafe(ref cj, 80);
                s6 += Vector512.LoadUnsafe(ref cj, 96);
                s7 += Vector512.LoadUnsafe(ref cj, 112);
            }
            s0.StoreUnsafe(ref cj);
            s1.StoreUnsafe(ref cj, 16);
            s2.StoreUnsafe(ref cj, 32);
            s3.StoreUnsafe(ref cj, 48);
            s4.StoreUnsafe(ref cj, 64);
            s5.StoreUnsafe(ref cj, 80);
            s6.StoreUnsafe(ref cj, 96);
            s7.StoreUnsafe(ref cj, 112);
        }
        for (; j + 64 <= n; j += 64)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            ref float bj = ref Unsafe.Add(ref rb, j);
            for (int p = 0; p < k; p++)
            {
                var ap = Vector512.Create(Unsafe.Add(ref ra, p));
                ref float row = ref Unsafe.Add(ref bj, (nint)p * ldb);
                s0 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row), s0);
                s1 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row, 16), s1);
                s2 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row, 32), s2);
                s3 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadUnsafe(ref row, 48), s3);
            }
            ref float cj = ref Unsafe.Add(ref rc, j);
            if (add)
            {
                s0 += Vector512.LoadUnsafe(ref cj);
                s1 += Vector512.LoadUnsafe(ref cj, 16);
                s2 += Vector512.LoadUnsafe(ref cj, 32);
                s3 += Vector512.LoadUnsafe(ref cj, 48);
            }
            s0.StoreUnsafe(ref cj);
            s1.StoreUnsafe(ref cj, 16);
            s2.StoreUnsafe(ref cj, 32);
            s3.StoreUnsafe(ref cj, 48);
        }
        for (; j + 16 <= n; j += 16)
        {
            Vector512<float> s0 = default;
            ref float bj = ref Unsafe.Add(ref rb, j);
            for (int p = 0; p < k; p++)
                s0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref ra, p)), Vector512.LoadUnsafe(ref Unsafe.Add(ref bj, (nint)p * ldb)), s0);
            ref float cj = ref Unsafe.Add(ref rc, j);
            if (add) s0 += Vector512.LoadUnsafe(ref cj);
            s0.StoreUnsafe(ref cj);
        }
        for (; j < n; j++)
        {
            float s = 0f;
            for (int p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(a[p], b[p * ldb + j], s);
            c[j] = add ? s + c[j] : s;
        }
    }
}
