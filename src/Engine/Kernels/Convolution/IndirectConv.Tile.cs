using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetDeep.Engine.Kernels;

// The register tile of IndirectConv: 8 output channels × 32 wide columns, read through the tap offset table.
internal static unsafe partial class IndirectConv
{
    /// <summary>
    /// c (8 × 32, row stride ldc) = or += a (8 × kc, row stride lda) · B, row p of B being the 16 floats at b + offsets[p]
    /// followed by the 16 at b + offsets[p] + <paramref name="second"/> (16 for 32 adjacent columns); the second half of
    /// c is stored only when <paramref name="storeSecond"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile8x32(int kc, float* a, nint lda, float* b, nint second, int* offsets, float* c, nint ldc, bool storeSecond, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int p = 0; p < kc; p++)
        {
            float* row = b + offsets[p];
            Vector512<float> b0 = Vector512.Load(row), b1 = Vector512.Load(row + second);
            Vector512<float> s = Vector512.Create(a[p]);
            c00 = Avx512F.FusedMultiplyAdd(s, b0, c00); c01 = Avx512F.FusedMultiplyAdd(s, b1, c01);
            s = Vector512.Create(a1[p]);
            c10 = Avx512F.FusedMultiplyAdd(s, b0, c10); c11 = Avx512F.FusedMultiplyAdd(s, b1, c11);
            s = Vector512.Create(a2[p]);
            c20 = Avx512F.FusedMultiplyAdd(s, b0, c20); c21 = Avx512F.FusedMultiplyAdd(s, b1, c21);
            s = Vector512.Create(a3[p]);
            c30 = Avx512F.FusedMultiplyAdd(s, b0, c30); c31 = Avx512F.FusedMultiplyAdd(s, b1, c31);
            s = Vector512.Create(a4[p]);
            c40 = Avx512F.FusedMultiplyAdd(s, b0, c40); c41 = Avx512F.FusedMultiplyAdd(s, b1, c41);
            s = Vector512.Create(a5[p]);
            c50 = Avx512F.FusedMultiplyAdd(s, b0, c50); c51 = Avx512F.FusedMultiplyAdd(s, b1, c51);
            s = Vector512.Create(a6[p]);
            c60 = Avx512F.FusedMultiplyAdd(s, b0, c60); c61 = Avx512F.FusedMultiplyAdd(s, b1, c61);
            s = Vector512.Create(a7[p]);
            c70 = Avx512F.FusedMultiplyAdd(s, b0, c70); c71 = Avx512F.FusedMultiplyAdd(s, b1, c71);
        }
        StorePair(c, c00, c01, storeSecond, accumulate);
        StorePair(c + ldc, c10, c11, storeSecond, accumulate);
        StorePair(c + 2 * ldc, c20, c21, storeSecond, accumulate);
        StorePair(c + 3 * ldc, c30, c31, storeSecond, accumulate);
        StorePair(c + 4 * ldc, c40, c41, storeSecond, accumulate);
        StorePair(c + 5 * ldc, c50, c51, storeSecond, accumulate);
        StorePair(c + 6 * ldc, c60, c61, storeSecond, accumulate);
        StorePair(c + 7 * ldc, c70, c71, storeSecond, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePair(float* c, Vector512<float> first, Vector512<float> second, bool storeSecond, bool accumulate)
    {
        if (accumulate) first += Vector512.Load(c);
        first.Store(c);
        if (!storeSecond) return;
        if (accumulate) second += Vector512.Load(c + 16);
        second.Store(c + 16);
    }
}
