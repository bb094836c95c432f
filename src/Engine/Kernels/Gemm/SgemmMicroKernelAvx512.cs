using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetDeep.Engine.Kernels;

// AVX-512 micro-kernels (Vector512, FMA). Generated code: one register tile per struct.
// Accumulators are explicit locals so the JIT keeps every one of them in a register.

/// <summary>AVX-512 6×64 tile: 24 zmm accumulators. Default for n &gt; 32.</summary>
internal readonly struct Avx512Kernel6x64 : ISgemmKernel
{
    /// <inheritdoc/>
    public static int MR => 6;
    /// <inheritdoc/>
    public static int NR => 64;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default; Vector512<float> c01 = default; Vector512<float> c02 = default; Vector512<float> c03 = default;
        Vector512<float> c10 = default; Vector512<float> c11 = default; Vector512<float> c12 = default; Vector512<float> c13 = default;
        Vector512<float> c20 = default; Vector512<float> c21 = default; Vector512<float> c22 = default; Vector512<float> c23 = default;
        Vector512<float> c30 = default; Vector512<float> c31 = default; Vector512<float> c32 = default; Vector512<float> c33 = default;
        Vector512<float> c40 = default; Vector512<float> c41 = default; Vector512<float> c42 = default; Vector512<float> c43 = default;
        Vector512<float> c50 = default; Vector512<float> c51 = default; Vector512<float> c52 = default; Vector512<float> c53 = default;
        float* a0p = a;
        float* a1p = a + rsA;
        float* a2p = a1p + rsA;
        float* a3p = a2p + rsA;
        float* a4p = a3p + rsA;
        float* a5p = a4p + rsA;
        nint o = 0;
        for (int p = 0; p < kc; p++, o += csA)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> b2 = Vector512.Load(b + 32);
            Vector512<float> b3 = Vector512.Load(b + 48);
            Vector512<float> a0 = Vector512.Create(a0p[o]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            c02 = Avx512F.FusedMultiplyAdd(a0, b2, c02);
            c03 = Avx512F.FusedMultiplyAdd(a0, b3, c03);
            Vector512<float> a1 = Vector512.Create(a1p[o]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            c12 = Avx512F.FusedMultiplyAdd(a1, b2, c12);
            c13 = Avx512F.FusedMultiplyAdd(a1, b3, c13);
            a0 = Vector512.Create(a2p[o]);
            c20 = Avx512F.FusedMultiplyAdd(a0, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a0, b1, c21);
            c22 = Avx512F.FusedMultiplyAdd(a0, b2, c22);
            c23 = Avx512F.FusedMultiplyAdd(a0, b3, c23);
            a1 = Vector512.Create(a3p[o]);
            c30 = Avx512F.FusedMultiplyAdd(a1, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a1, b1, c31);
            c32 = Avx512F.FusedMultiplyAdd(a1, b2, c32);
            c33 = Avx512F.FusedMultiplyAdd(a1, b3, c33);
            a0 = Vector512.Create(a4p[o]);
            c40 = Avx512F.FusedMultiplyAdd(a0, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a0, b1, c41);
            c42 = Avx512F.FusedMultiplyAdd(a0, b2, c42);
            c43 = Avx512F.FusedMultiplyAdd(a0, b3, c43);
            a1 = Vector512.Create(a5p[o]);
            c50 = Avx512F.FusedMultiplyAdd(a1, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a1, b1, c51);
            c52 = Avx512F.FusedMultiplyAdd(a1, b2, c52);
            c53 = Avx512F.FusedMultiplyAdd(a1, b3, c53);
            b += 64;
        }

        if (add)
        {
            c00 = Avx512F.Add(c00, Vector512.Load(c));
            c01 = Avx512F.Add(c01, Vector512.Load(c + 16));
            c02 = Avx512F.Add(c02, Vector512.Load(c + 32));
            c03 = Avx512F.Add(c03, Vector512.Load(c + 48));
            c10 = Avx512F.Add(c10, Vector512.Load(c + ldc));
            c11 = Avx512F.Add(c11, Vector512.Load(c + ldc + 16));
            c12 = Avx512F.Add(c12, Vector512.Load(c + ldc + 32));
            c13 = Avx512F.Add(c13, Vector512.Load(c + ldc + 48));
            c20 = Avx512F.Add(c20, Vector512.Load(c + 2 * ldc));
            c21 = Avx512F.Add(c21, Vector512.Load(c + 2 * ldc + 16));
            c22 = Avx512F.Add(c22, Vector512.Load(c + 2 * ldc + 32));
            c23 = Avx512F.Add(c23, Vector512.Load(c + 2 * ldc + 48));
            c30 = Avx512F.Add(c30, Vector512.Load(c + 3 * ldc));
            c31 = Avx512F.Add(c31, Vector512.Load(c + 3 * ldc + 16));
            c32 = Avx512F.Add(c32, Vector512.Load(c + 3 * ldc + 32));
            c33 = Avx512F.Add(c33, Vector512.Load(c + 3 * ldc + 48));
            c40 = Avx512F.Add(c40, Vector512.Load(c + 4 * ldc));
            c41 = Avx512F.Add(c41, Vector512.Load(c + 4 * ldc + 16));
            c42 = Avx512F.Add(c42, Vector512.Load(c + 4 * ldc + 32));
            c43 = Avx512F.Add(c43, Vector512.Load(c + 4 * ldc + 48));
            c50 = Avx512F.Add(c50, Vector512.Load(c + 5 * ldc));
            c51 = Avx512F.Add(c51, Vector512.Load(c + 5 * ldc + 16));
            c52 = Avx512F.Add(c52, Vector512.Load(c + 5 * ldc + 32));
            c53 = Avx512F.Add(c53, Vector512.Load(c + 5 * ldc + 48));
        }

        c00.Store(c);
        c01.Store(c + 16);
        c02.Store(c + 32);
        c03.Store(c + 48);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 16);
        c12.Store(c + ldc + 32);
        c13.Store(c + ldc + 48);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 16);
        c22.Store(c + 2 * ldc + 32);
        c23.Store(c + 2 * ldc + 48);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 16);
        c32.Store(c + 3 * ldc + 32);
        c33.Store(c + 3 * ldc + 48);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 16);
        c42.Store(c + 4 * ldc + 32);
        c43.Store(c + 4 * ldc + 48);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 16);
        c52.Store(c + 5 * ldc + 32);
        c53.Store(c + 5 * ldc + 48);
    }
}

/// <summary>AVX-512 6×32 tile: 12 zmm accumulators. For 16 &lt; n ≤ 32.</summary>
internal readonly struct Avx512Kernel6x32 : ISgemmKernel
{
    /// <inheritdoc/>
    public static int MR => 6;
    /// <inheritdoc/>
    public static int NR => 32;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default; Vector512<float> c01 = default;
        Vector512<float> c10 = default; Vector512<float> c11 = default;
        Vector512<float> c20 = default; Vector512<float> c21 = default;
        Vector512<float> c30 = default; Vector512<float> c31 = default;
        Vector512<float> c40 = default; Vector512<float> c41 = default;
        Vector512<float> c50 = default; Vector512<float> c51 = default;
        float* a0p = a;
        float* a1p = a + rsA;
        float* a2p = a1p + rsA;
        float* a3p = a2p + rsA;
        float* a4p = a3p + rsA;
        float* a5p = a4p + rsA;
        nint o = 0;
        for (int p = 0; p < kc; p++, o += csA)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a0p[o]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            Vector512<float> a1 = Vector512.Create(a1p[o]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            a0 = Vector512.Create(a2p[o]);
            c20 = Avx512F.FusedMultiplyAdd(a0, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a0, b1, c21);
            a1 = Vector512.Create(a3p[o]);
            c30 = Avx512F.FusedMultiplyAdd(a1, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a1, b1, c31);
            a0 = Vector512.Create(a4p[o]);
            c40 = Avx512F.FusedMultiplyAdd(a0, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a0, b1, c41);
            a1 = Vector512.Create(a5p[o]);
            c50 = Avx512F.FusedMultiplyAdd(a1, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a1, b1, c51);
            b += 32;
        }

        if (add)
        {
            c00 = Avx512F.Add(c00, Vector512.Load(c));
            c01 = Avx512F.Add(c01, Vector512.Load(c + 16));
            c10 = Avx512F.Add(c10, Vector512.Load(c + ldc));
            c11 = Avx512F.Add(c11, Vector512.Load(c + ldc + 16));
            c20 = Avx512F.Add(c20, Vector512.Load(c + 2 * ldc));
            c21 = Avx512F.Add(c21, Vector512.Load(c + 2 * ldc + 16));
            c30 = Avx512F.Add(c30, Vector512.Load(c + 3 * ldc));
            c31 = Avx512F.Add(c31, Vector512.Load(c + 3 * ldc + 16));
            c40 = Avx512F.Add(c40, Vector512.Load(c + 4 * ldc));
            c41 = Avx512F.Add(c41, Vector512.Load(c + 4 * ldc + 16));
            c50 = Avx512F.Add(c50, Vector512.Load(c + 5 * ldc));
            c51 = Avx512F.Add(c51, Vector512.Load(c + 5 * ldc + 16));
        }

        c00.Store(c);
        c01.Store(c + 16);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 16);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 16);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 16);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 16);
    }
}

/// <summary>AVX-512 6×16 tile: 6 zmm accumulators. For n ≤ 16.</summary>
internal readonly struct Avx512Kernel6x16 : ISgemmKernel
{
    /// <inheritdoc/>
    public static int MR => 6;
    /// <inheritdoc/>
    public static int NR => 16;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default;
        Vector512<float> c10 = default;
        Vector512<float> c20 = default;
        Vector512<float> c30 = default;
        Vector512<float> c40 = default;
        Vector512<float> c50 = default;
        float* a0p = a;
        float* a1p = a + rsA;
        float* a2p = a1p + rsA;
        float* a3p = a2p + rsA;
        float* a4p = a3p + rsA;
        float* a5p = a4p + rsA;
        nint o = 0;
        for (int p = 0; p < kc; p++, o += csA)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> a0 = Vector512.Create(a0p[o]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            Vector512<float> a1 = Vector512.Create(a1p[o]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            a0 = Vector512.Create(a2p[o]);
            c20 = Avx512F.FusedMultiplyAdd(a0, b0, c20);
            a1 = Vector512.Create(a3p[o]);
            c30 = Avx512F.FusedMultiplyAdd(a1, b0, c30);
            a0 = Vector512.Create(a4p[o]);
            c40 = Avx512F.FusedMultiplyAdd(a0, b0, c40);
            a1 = Vector512.Create(a5p[o]);
            c50 = Avx512F.FusedMultiplyAdd(a1, b0, c50);
            b += 16;
        }

        if (add)
        {
            c00 = Avx512F.Add(c00, Vector512.Load(c));
            c10 = Avx512F.Add(c10, Vector512.Load(c + ldc));
            c20 = Avx512F.Add(c20, Vector512.Load(c + 2 * ldc));
            c30 = Avx512F.Add(c30, Vector512.Load(c + 3 * ldc));
            c40 = Avx512F.Add(c40, Vector512.Load(c + 4 * ldc));
            c50 = Avx512F.Add(c50, Vector512.Load(c + 5 * ldc));
        }

        c00.Store(c);
        c10.Store(c + ldc);
        c20.Store(c + 2 * ldc);
        c30.Store(c + 3 * ldc);
        c40.Store(c + 4 * ldc);
        c50.Store(c + 5 * ldc);
    }
}

/// <summary>AVX-512 8×32 tile: 16 zmm accumulators. For products whose row count is a multiple of 8
/// (convolutions with 16, 32 or 64 output channels), where 6-row tiles leave a partial last panel.</summary>
internal readonly struct Avx512Kernel8x32 : ISgemmKernel
{
    /// <inheritdoc/>
    public static int MR => 8;
    /// <inheritdoc/>
    public static int NR => 32;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default; Vector512<float> c01 = default;
        Vector512<float> c10 = default; Vector512<float> c11 = default;
        Vector512<float> c20 = default; Vector512<float> c21 = default;
        Vector512<float> c30 = default; Vector512<float> c31 = default;
        Vector512<float> c40 = default; Vector512<float> c41 = default;
        Vector512<float> c50 = default; Vector512<float> c51 = default;
        Vector512<float> c60 = default; Vector512<float> c61 = default;
        Vector512<float> c70 = default; Vector512<float> c71 = default;
        float* a0p = a;
        float* a1p = a + rsA;
        float* a2p = a1p + rsA;
        float* a3p = a2p + rsA;
        float* a4p = a3p + rsA;
        float* a5p = a4p + rsA;
        float* a6p = a5p + rsA;
        float* a7p = a6p + rsA;
        nint o = 0;
        for (int p = 0; p < kc; p++, o += csA)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a0p[o]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            Vector512<float> a1 = Vector512.Create(a1p[o]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            a0 = Vector512.Create(a2p[o]);
            c20 = Avx512F.FusedMultiplyAdd(a0, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a0, b1, c21);
            a1 = Vector512.Create(a3p[o]);
            c30 = Avx512F.FusedMultiplyAdd(a1, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a1, b1, c31);
            a0 = Vector512.Create(a4p[o]);
            c40 = Avx512F.FusedMultiplyAdd(a0, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a0, b1, c41);
            a1 = Vector512.Create(a5p[o]);
            c50 = Avx512F.FusedMultiplyAdd(a1, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a1, b1, c51);
            a0 = Vector512.Create(a6p[o]);
            c60 = Avx512F.FusedMultiplyAdd(a0, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a0, b1, c61);
            a1 = Vector512.Create(a7p[o]);
            c70 = Avx512F.FusedMultiplyAdd(a1, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a1, b1, c71);
            b += 32;
        }

        if (add)
        {
            c00 = Avx512F.Add(c00, Vector512.Load(c));
            c01 = Avx512F.Add(c01, Vector512.Load(c + 16));
            c10 = Avx512F.Add(c10, Vector512.Load(c + ldc));
            c11 = Avx512F.Add(c11, Vector512.Load(c + ldc + 16));
            c20 = Avx512F.Add(c20, Vector512.Load(c + 2 * ldc));
            c21 = Avx512F.Add(c21, Vector512.Load(c + 2 * ldc + 16));
            c30 = Avx512F.Add(c30, Vector512.Load(c + 3 * ldc));
            c31 = Avx512F.Add(c31, Vector512.Load(c + 3 * ldc + 16));
            c40 = Avx512F.Add(c40, Vector512.Load(c + 4 * ldc));
            c41 = Avx512F.Add(c41, Vector512.Load(c + 4 * ldc + 16));
            c50 = Avx512F.Add(c50, Vector512.Load(c + 5 * ldc));
            c51 = Avx512F.Add(c51, Vector512.Load(c + 5 * ldc + 16));
            c60 = Avx512F.Add(c60, Vector512.Load(c + 6 * ldc));
            c61 = Avx512F.Add(c61, Vector512.Load(c + 6 * ldc + 16));
            c70 = Avx512F.Add(c70, Vector512.Load(c + 7 * ldc));
            c71 = Avx512F.Add(c71, Vector512.Load(c + 7 * ldc + 16));
        }

        c00.Store(c);
        c01.Store(c + 16);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 16);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 16);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 16);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 16);
        c60.Store(c + 6 * ldc);
        c61.Store(c + 6 * ldc + 16);
        c70.Store(c + 7 * ldc);
        c71.Store(c + 7 * ldc + 16);
    }
}

/// <summary>AVX-512 8×16 tile: 8 zmm accumulators. For products whose row count is a multiple of 8
/// (convolutions with 16, 32 or 64 output channels), where 6-row tiles leave a partial last panel.</summary>
internal readonly struct Avx512Kernel8x16 : ISgemmKernel
{
    /// <inheritdoc/>
    public static int MR => 8;
    /// <inheritdoc/>
    public static int NR => 16;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default;
        Vector512<float> c10 = default;
        Vector512<float> c20 = default;
        Vector512<float> c30 = default;
        Vector512<float> c40 = default;
        Vector512<float> c50 = default;
        Vector512<float> c60 = default;
        Vector512<float> c70 = default;
        float* a0p = a;
        float* a1p = a + rsA;
        float* a2p = a1p + rsA;
        float* a3p = a2p + rsA;
        float* a4p = a3p + rsA;
        float* a5p = a4p + rsA;
        float* a6p = a5p + rsA;
        float* a7p = a6p + rsA;
        nint o = 0;
        for (int p = 0; p < kc; p++, o += csA)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> a0 = Vector512.Create(a0p[o]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            Vector512<float> a1 = Vector512.Create(a1p[o]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            a0 = Vector512.Create(a2p[o]);
            c20 = Avx512F.FusedMultiplyAdd(a0, b0, c20);
            a1 = Vector512.Create(a3p[o]);
            c30 = Avx512F.FusedMultiplyAdd(a1, b0, c30);
            a0 = Vector512.Create(a4p[o]);
            c40 = Avx512F.FusedMultiplyAdd(a0, b0, c40);
            a1 = Vector512.Create(a5p[o]);
            c50 = Avx512F.FusedMultiplyAdd(a1, b0, c50);
            a0 = Vector512.Create(a6p[o]);
            c60 = Avx512F.FusedMultiplyAdd(a0, b0, c60);
            a1 = Vector512.Create(a7p[o]);
            c70 = Avx512F.FusedMultiplyAdd(a1, b0, c70);
            b += 16;
        }

        if (add)
        {
            c00 = Avx512F.Add(c00, Vector512.Load(c));
            c10 = Avx512F.Add(c10, Vector512.Load(c + ldc));
            c20 = Avx512F.Add(c20, Vector512.Load(c + 2 * ldc));
            c30 = Avx512F.Add(c30, Vector512.Load(c + 3 * ldc));
            c40 = Avx512F.Add(c40, Vector512.Load(c + 4 * ldc));
            c50 = Avx512F.Add(c50, Vector512.Load(c + 5 * ldc));
            c60 = Avx512F.Add(c60, Vector512.Load(c + 6 * ldc));
            c70 = Avx512F.Add(c70, Vector512.Load(c + 7 * ldc));
        }

        c00.Store(c);
        c10.Store(c + ldc);
        c20.Store(c + 2 * ldc);
        c30.Store(c + 3 * ldc);
        c40.Store(c + 4 * ldc);
        c50.Store(c + 5 * ldc);
        c60.Store(c + 6 * ldc);
        c70.Store(c + 7 * ldc);
    }
}
