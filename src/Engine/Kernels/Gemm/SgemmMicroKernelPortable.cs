using System.Numerics;
using System.Runtime.CompilerServices;

namespace MlNetDeep.Engine.Kernels;

// Portable micro-kernel on Vector&lt;float&gt; for hardware without AVX2/FMA (e.g. Arm64, old x64).
// Accumulators are explicit locals so the JIT keeps every one of them in a register.

/// <summary>Portable 4×(2·Vector&lt;float&gt;.Count) tile: 8 vector accumulators.</summary>
internal readonly struct PortableKernel4x2V : ISgemmKernel
{
    /// <inheritdoc/>
    public static int MR => 4;
    /// <inheritdoc/>
    public static int NR => 2 * Vector<float>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add)
    {
        int w = Vector<float>.Count;
        Vector<float> c00 = default; Vector<float> c01 = default;
        Vector<float> c10 = default; Vector<float> c11 = default;
        Vector<float> c20 = default; Vector<float> c21 = default;
        Vector<float> c30 = default; Vector<float> c31 = default;
        float* a0p = a;
        float* a1p = a + rsA;
        float* a2p = a1p + rsA;
        float* a3p = a2p + rsA;
        nint o = 0;
        for (int p = 0; p < kc; p++, o += csA)
        {
            Vector<float> b0 = Vector.Load(b);
            Vector<float> b1 = Vector.Load(b + w);
            Vector<float> a0 = new Vector<float>(a0p[o]);
            c00 = c00 + a0 * b0;
            c01 = c01 + a0 * b1;
            Vector<float> a1 = new Vector<float>(a1p[o]);
            c10 = c10 + a1 * b0;
            c11 = c11 + a1 * b1;
            a0 = new Vector<float>(a2p[o]);
            c20 = c20 + a0 * b0;
            c21 = c21 + a0 * b1;
            a1 = new Vector<float>(a3p[o]);
            c30 = c30 + a1 * b0;
            c31 = c31 + a1 * b1;
            b += 2 * w;
        }

        if (add)
        {
            c00 = c00 + Vector.Load(c);
            c01 = c01 + Vector.Load(c + w);
            c10 = c10 + Vector.Load(c + ldc);
            c11 = c11 + Vector.Load(c + ldc + w);
            c20 = c20 + Vector.Load(c + 2 * ldc);
            c21 = c21 + Vector.Load(c + 2 * ldc + w);
            c30 = c30 + Vector.Load(c + 3 * ldc);
            c31 = c31 + Vector.Load(c + 3 * ldc + w);
        }

        c00.Store(c);
        c01.Store(c + w);
        c10.Store(c + ldc);
        c11.Store(c + ldc + w);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + w);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + w);
    }
}
