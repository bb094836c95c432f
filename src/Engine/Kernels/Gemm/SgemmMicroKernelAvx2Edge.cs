using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// AVX2 + FMA kernels for the partial tiles at the edges of a product: the last row panel (h &lt; 6 rows of C left,
/// 16 columns wide) and the last, narrow column panel (w ≤ 8 columns left).
/// </summary>
/// <remarks>
/// Running the 6-row kernel on a zero-padded panel costs 12 FMAs per k whatever h is: on a 2-core Zen with one
/// 256-bit FMA per cycle that is a sixth of m = 32 (5 full panels and 2 rows) spent on padding. The 4-row tile costs
/// 8 FMAs per k and the 2-row tile 4 (bound by the FMA latency, ~5 cycles), so h = 3–4 and h = 1–2 cost about
/// 8 and 5 cycles per k instead of 12. Every element is summed exactly as <see cref="Avx2Kernel6x16"/> sums it (one
/// fused multiply-add per k in order, C added at the end), so results do not depend on which tile computed a row.
/// The A panel must hold the padded rows (the driver packs partial panels with zeros), since rows up to the tile
/// height are read; only the first h rows of C are written.
/// </remarks>
internal static class Avx2EdgeKernels
{
    /// <summary>C (h rows × 16) = A·Bp (+ C) for h ≤ 4; the A panel holds 4 readable rows.</summary>
    /// <param name="h">Rows of C to write, 1 to 4.</param>
    /// <param name="kc">Inner dimension of this block.</param>
    /// <param name="a">A panel; element (i, p) is <c>a[i·rsA + p·csA]</c>.</param>
    /// <param name="rsA">Distance between rows of the A panel, in floats.</param>
    /// <param name="csA">Distance between columns of the A panel, in floats.</param>
    /// <param name="b">Packed B panel: kc rows of 16 contiguous values.</param>
    /// <param name="c">Top-left element of the C tile.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="add">Add into C instead of overwriting it.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Rows4(int h, int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add)
    {
        Vector256<float> c00 = default; Vector256<float> c01 = default;
        Vector256<float> c10 = default; Vector256<float> c11 = default;
        Vector256<float> c20 = default; Vector256<float> c21 = default;
        Vector256<float> c30 = default; Vector256<float> c31 = default;
        float* a0p = a;
        float* a1p = a + rsA;
        float* a2p = a1p + rsA;
        float* a3p = a2p + rsA;
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
            b += 16;
        }

        StoreRow(c, c00, c01, add);
        if (h > 1) StoreRow(c + ldc, c10, c11, add);
        if (h > 2) StoreRow(c + 2 * ldc, c20, c21, add);
        if (h > 3) StoreRow(c + 3 * ldc, c30, c31, add);
    }

    /// <summary>C (h rows × 16) = A·Bp (+ C) for h ≤ 2; the A panel holds 2 readable rows.</summary>
    /// <param name="h">Rows of C to write, 1 or 2.</param>
    /// <param name="kc">Inner dimension of this block.</param>
    /// <param name="a">A panel; element (i, p) is <c>a[i·rsA + p·csA]</c>.</param>
    /// <param name="rsA">Distance between rows of the A panel, in floats.</param>
    /// <param name="csA">Distance between columns of the A panel, in floats.</param>
    /// <param name="b">Packed B panel: kc rows of 16 contiguous values.</param>
    /// <param name="c">Top-left element of the C tile.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="add">Add into C instead of overwriting it.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Rows2(int h, int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add)
    {
        Vector256<float> c00 = default; Vector256<float> c01 = default;
        Vector256<float> c10 = default; Vector256<float> c11 = default;
        float* a0p = a;
        float* a1p = a + rsA;
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
            b += 16;
        }

        StoreRow(c, c00, c01, add);
        if (h > 1) StoreRow(c + ldc, c10, c11, add);
    }

    /// <summary>
    /// C (h rows × w columns) = A·Bp (+ C) for w ≤ 8 (the last, narrow column panel: n = 10, 20, 40): 6 rows × 8 columns,
    /// 6 FMAs per k instead of the 12 of the 16-wide tile. Reads the first 8 columns of each 16-wide row of the panel.
    /// </summary>
    /// <param name="h">Rows of C to write, 1 to 6.</param>
    /// <param name="w">Columns of C to write, 1 to 8.</param>
    /// <param name="kc">Inner dimension of this block.</param>
    /// <param name="a">A panel; element (i, p) is <c>a[i·rsA + p·csA]</c>; 6 readable rows.</param>
    /// <param name="rsA">Distance between rows of the A panel, in floats.</param>
    /// <param name="csA">Distance between columns of the A panel, in floats.</param>
    /// <param name="b">Packed B panel: kc rows of 16 values (zero beyond w).</param>
    /// <param name="c">Top-left element of the C tile.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="add">Add into C instead of overwriting it.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Cols8(int h, int w, int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, bool add)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
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
            c0 = Fma.MultiplyAdd(Vector256.Create(a0p[o]), b0, c0);
            c1 = Fma.MultiplyAdd(Vector256.Create(a1p[o]), b0, c1);
            c2 = Fma.MultiplyAdd(Vector256.Create(a2p[o]), b0, c2);
            c3 = Fma.MultiplyAdd(Vector256.Create(a3p[o]), b0, c3);
            c4 = Fma.MultiplyAdd(Vector256.Create(a4p[o]), b0, c4);
            c5 = Fma.MultiplyAdd(Vector256.Create(a5p[o]), b0, c5);
            b += 16;
        }

        float* row = stackalloc float[8];
        for (int i = 0; i < h; i++, c += ldc)
        {
            Vector256<float> sum = i switch { 0 => c0, 1 => c1, 2 => c2, 3 => c3, 4 => c4, _ => c5 };
            sum.Store(row);
            if (add)
            {
                for (int j = 0; j < w; j++) c[j] += row[j];
            }
            else
            {
                for (int j = 0; j < w; j++) c[j] = row[j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow(float* c, Vector256<float> lo, Vector256<float> hi, bool add)
    {
        if (add)
        {
            lo = Avx.Add(lo, Vector256.Load(c));
            hi = Avx.Add(hi, Vector256.Load(c + 8));
        }
        lo.Store(c);
        hi.Store(c + 8);
    }
}
