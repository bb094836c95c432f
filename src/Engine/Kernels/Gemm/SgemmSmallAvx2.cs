using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// The row routine of <see cref="SgemmSmall"/> on AVX2 + FMA (Vector256): one row of C as a sum of scaled rows of B,
/// read in place. Summed as the AVX2 packed kernels sum (one fused multiply-add per k in order), so a row's result does
/// not depend on how many rows the product has.
/// </summary>
internal static class SgemmSmallAvx2
{
    /// <summary>c = Σ_p a[p]·B[p, :] (+ c) for B stored k×n.</summary>
    /// <param name="a">The row of op(A), k values.</param>
    /// <param name="b">B from row 0 of this block, rows <paramref name="ldb"/> apart.</param>
    /// <param name="ldb">Row stride of B.</param>
    /// <param name="n">Columns of B and c.</param>
    /// <param name="c">The row of C.</param>
    /// <param name="add">Add the sum to c instead of overwriting it.</param>
    public static void RowTimesB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int ldb, int n, Span<float> c, bool add)
    {
        int k = a.Length, j = 0;
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        for (; j + 64 <= n; j += 64)
        {
            // Eight independent accumulator chains per k step (the FMA latency is ~5 cycles at one 256-bit FMA per cycle).
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector256<float> s4 = default, s5 = default, s6 = default, s7 = default;
            ref float bj = ref Unsafe.Add(ref rb, j);
            for (int p = 0; p < k; p++)
            {
                var ap = Vector256.Create(Unsafe.Add(ref ra, p));
                ref float row = ref Unsafe.Add(ref bj, (nint)p * ldb);
                s0 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row), s0);
                s1 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row, 8), s1);
                s2 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row, 16), s2);
                s3 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row, 24), s3);
                s4 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row, 32), s4);
                s5 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row, 40), s5);
                s6 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row, 48), s6);
                s7 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row, 56), s7);
            }
            ref float cj = ref Unsafe.Add(ref rc, j);
            if (add)
            {
                s0 += Vector256.LoadUnsafe(ref cj);
                s1 += Vector256.LoadUnsafe(ref cj, 8);
                s2 += Vector256.LoadUnsafe(ref cj, 16);
                s3 += Vector256.LoadUnsafe(ref cj, 24);
                s4 += Vector256.LoadUnsafe(ref cj, 32);
                s5 += Vector256.LoadUnsafe(ref cj, 40);
                s6 += Vector256.LoadUnsafe(ref cj, 48);
                s7 += Vector256.LoadUnsafe(ref cj, 56);
            }
            s0.StoreUnsafe(ref cj);
            s1.StoreUnsafe(ref cj, 8);
            s2.StoreUnsafe(ref cj, 16);
            s3.StoreUnsafe(ref cj, 24);
            s4.StoreUnsafe(ref cj, 32);
            s5.StoreUnsafe(ref cj, 40);
            s6.StoreUnsafe(ref cj, 48);
            s7.StoreUnsafe(ref cj, 56);
        }
        for (; j + 32 <= n; j += 32)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            ref float bj = ref Unsafe.Add(ref rb, j);
            for (int p = 0; p < k; p++)
            {
                var ap = Vector256.Create(Unsafe.Add(ref ra, p));
                ref float row = ref Unsafe.Add(ref bj, (nint)p * ldb);
                s0 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row), s0);
                s1 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row, 8), s1);
                s2 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row, 16), s2);
                s3 = Vector256.FusedMultiplyAdd(ap, Vector256.LoadUnsafe(ref row, 24), s3);
            }
            ref float cj = ref Unsafe.Add(ref rc, j);
            if (add)
            {
                s0 += Vector256.LoadUnsafe(ref cj);
                s1 += Vector256.LoadUnsafe(ref cj, 8);
                s2 += Vector256.LoadUnsafe(ref cj, 16);
                s3 += Vector256.LoadUnsafe(ref cj, 24);
            }
            s0.StoreUnsafe(ref cj);
            s1.StoreUnsafe(ref cj, 8);
            s2.StoreUnsafe(ref cj, 16);
            s3.StoreUnsafe(ref cj, 24);
        }
        for (; j + 8 <= n; j += 8)
        {
            Vector256<float> s0 = default;
            ref float bj = ref Unsafe.Add(ref rb, j);
            for (int p = 0; p < k; p++)
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref ra, p)), Vector256.LoadUnsafe(ref Unsafe.Add(ref bj, (nint)p * ldb)), s0);
            ref float cj = ref Unsafe.Add(ref rc, j);
            if (add) s0 += Vector256.LoadUnsafe(ref cj);
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
