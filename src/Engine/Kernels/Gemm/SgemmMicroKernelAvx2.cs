using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetDeep.Engine.Kernels;

// AVX2 + FMA micro-kernels (Vector256). Generated code: one register tile per struct.
// Accumulators are explicit locals so the JIT keeps every one of them in a register.

/// <summary>AVX2 6×16 tile: 12 ymm accumulators.</summary>
internal readonly struct Avx2Kernel6x16 : ISgemmKernel
{
    /// <inheritdoc/>
    public static int MR => 6;
    /// <inheritdoc/>
    public static int NR => 16;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add)
    {
        Vector256<float> c00 = default; Vector256<float> c01 = default;
        Vector256<float> c10 = default; Vector256<float> c11 = default;
        Vector256<float> c20 = default; Vector256<float> c21 = default;
        Vector256<float> c30 = default; Vector256<float> c31 = default;
        Vector256<float> c40 = default; Vector256<float> c41 = default;
        Vector256<float> c50 = default; Vector256<float> c51 = default;
        float* a0p = a;
        float* a1p = a + rsA;
        float* a2p = a1p + rsA;
        float* a3p = a2p + rsA;
        float* a4p = a3p + rsA;
        float* a5p = a4p + rsA;
        nint o = 0;
        for (int p = 0; p < kc; p++, o += csA)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> a0 = Vector256.Create(a0p[o]);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            Vector256<float> a1 = Vector256.Create(a1p[o]);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            a0 = Vector256.Create(a2p[o]);
            c20 = Fma.MultiplyAdd(a0, b0, c20);
            c21 = Fma.MultiplyAdd(a0, b1, c21);
            a1 = Vector256.Create(a3p[o]);
            c30 = Fma.MultiplyAdd(a1, b0, c30);
            c31 = Fma.MultiplyAdd(a1, b1, c31);
            a0 = Vector256.Create(a4p[o]);
            c40 = Fma.MultiplyAdd(a0, b0, c40);
            c41 = Fma.MultiplyAdd(a0, b1, c41);
            a1 = Vector256.Create(a5p[o]);
            c50 = Fma.MultiplyAdd(a1, b0, c50);
            c51 = Fma.MultiplyAdd(a1, b1, c51);
            b += 16;
        }

        if (add)
        {
            c00 = Avx.Add(c00, Vector256.Load(c));
            c01 = Avx.Add(c01, Vector256.Load(c + 8));
            c10 = Avx.Add(c10, Vector256.Load(c + ldc));
            c11 = Avx.Add(c11, Vector256.Load(c + ldc + 8));
            c20 = Avx.Add(c20, Vector256.Load(c + 2 * ldc));
            c21 = Avx.Add(c21, Vector256.Load(c + 2 * ldc + 8));
            c30 = Avx.Add(c30, Vector256.Load(c + 3 * ldc));
            c31 = Avx.Add(c31, Vector256.Load(c + 3 * ldc + 8));
            c40 = Avx.Add(c40, Vector256.Load(c + 4 * ldc));
            c41 = Avx.Add(c41, Vector256.Load(c + 4 * ldc + 8));
            c50 = Avx.Add(c50, Vector256.Load(c + 5 * ldc));
            c51 = Avx.Add(c51, Vector256.Load(c + 5 * ldc + 8));
        }

        c00.Store(c);
        c01.Store(c + 8);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 8);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 8);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 8);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 8);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 8);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The tiles of <see cref="Avx2EdgeKernels"/>: at full width, h ≤ 4 rows on the 4-row or 2-row tile (h = 5 stays on
    /// the 6-row tile); w ≤ 8 columns on the 6×8 tile; other widths (9–15) on the 6×16 tile through scratch.
    /// </remarks>
    public static unsafe bool RunPartial(int h, int w, int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add)
    {
        if (w <= 8)
        {
            Avx2EdgeKernels.Cols8(h, w, kc, a, rsA, csA, b, c, ldc, add);
            return true;
        }
        if (w < 16 || h > 4) return false;
        if (h > 2) Avx2EdgeKernels.Rows4(h, kc, a, rsA, csA, b, c, ldc, add);
        else Avx2EdgeKernels.Rows2(h, kc, a, rsA, csA, b, c, ldc, add);
        return true;
    }
}
