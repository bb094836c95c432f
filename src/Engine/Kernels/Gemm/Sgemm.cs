using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major storage:
/// C[m,n] = op(A)[m,k] · op(B)[k,n] (+ C when accumulating).
/// </summary>
/// <remarks>
/// op(X) is X or Xᵀ. Storage is row-major: when <c>transA</c> is false A is stored m×k with row stride
/// <c>lda ≥ k</c>; when true A is stored k×m with <c>lda ≥ m</c>. Likewise for B (k×n or n×k).
/// Packed, cache-blocked, multithreaded; the micro-kernel (AVX-512, AVX2+FMA or portable) is chosen at run time.
/// </remarks>
internal static class Sgemm
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
        MultiplyOnPath(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, SgemmPath.Auto);
    }

    /// <summary>True when <paramref name="path"/> can run on this machine.</summary>
    internal static bool IsSupported(SgemmPath path) => path switch
    {
        SgemmPath.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        SgemmPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>The path <see cref="SgemmPath.Auto"/> resolves to on this machine.</summary>
    internal static SgemmPath BestPath { get; } =
        IsSupported(SgemmPath.Avx512) ? SgemmPath.Avx512 :
        IsSupported(SgemmPath.Avx2) ? SgemmPath.Avx2 : SgemmPath.Portable;

    /// <summary><see cref="Multiply(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, bool)"/> on a forced implementation path.</summary>
    internal static unsafe void MultiplyOnPath(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate,
        SgemmPath path)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        CheckOperand(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a));
        CheckOperand(b.Length, transB ? n : k, transB ? k : n, ldb, nameof(b));
        CheckOperand(c.Length, m, n, ldc, nameof(c));

        bool small = path == SgemmPath.Auto && SgemmSmall.Applies(transB, m);
        if (path == SgemmPath.Auto) path = BestPath;
        else if (!IsSupported(path)) throw new PlatformNotSupportedException($"SGEMM path {path} is not supported on this CPU.");

        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
            {
                for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            }
            return;
        }

        if (path == SgemmPath.Reference)
        {
            SgemmReference.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }

        if (small)
        {
            SgemmSmall.Multiply(transA, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            var g = new SgemmArgs
            {
                TransA = transA, TransB = transB, Accumulate = accumulate,
                M = m, N = n, K = k, Lda = lda, Ldb = ldb, Ldc = ldc, A = pa, B = pb, C = pc,
            };
            switch (path)
            {
                case SgemmPath.Avx512:
                    // 8-row tiles when they cover a small m exactly (no partial panel; 8×32 measured 114-115 GFLOP/s per
                    // core on 32×512×128, 64×512×192 and 256³ against 100-110 for 6×64). Large products keep 6×64, whose
                    // partial panel is negligible there. Same sums either way.
                    if (m % 8 == 0 && m <= 256)
                    {
                        if (SgemmPrepacked.PanelWidth(m, n) == 16) WorkerPool.Run(&SgemmDriver<Avx512Kernel8x16>.Run, in g, 8, 16);
                        else WorkerPool.Run(&SgemmDriver<Avx512Kernel8x32>.Run, in g, 8, 32);
                        break;
                    }
                    switch (PickAvx512Width(n))
                    {
                        case 16: WorkerPool.Run(&SgemmDriver<Avx512Kernel6x16>.Run, in g, 6, 16); break;
                        case 32: WorkerPool.Run(&SgemmDriver<Avx512Kernel6x32>.Run, in g, 6, 32); break;
                        default: WorkerPool.Run(&SgemmDriver<Avx512Kernel6x64>.Run, in g, 6, 64); break;
                    }
                    break;
                case SgemmPath.Avx2:
                    WorkerPool.Run(&SgemmDriver<Avx2Kernel6x16>.Run, in g, 6, 16);
                    break;
                default:
                    WorkerPool.Run(&SgemmDriver<PortableKernel4x2V>.Run, in g,
                        PortableKernel4x2V.MR, PortableKernel4x2V.NR);
                    break;
            }
        }
    }

    /// <summary>
    /// Register-tile width for the AVX-512 path: the one that pads n least, with a slight preference for wider
    /// tiles (the 6×16, 6×32 and 6×64 kernels run within a few percent of each other on full tiles).
    /// </summary>
    internal static int PickAvx512Width(int n)
    {
        int best = 64;
        double bestCost = RoundUp(n, 64);
        foreach ((int width, double penalty) in stackalloc[] { (32, 1.02), (16, 1.04) })
        {
            double cost = RoundUp(n, width) * penalty;
            if (cost < bestCost)
            {
                best = width;
                bestCost = cost;
            }
        }
        return best;

        static int RoundUp(int x, int to) => (x + to - 1) / to * to;
    }

    private static void CheckOperand(int length, int rows, int cols, int ld, string name)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new ArgumentOutOfRangeException(name, $"Row stride {ld} is smaller than the row width {cols}.");
        if ((long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"Span of length {length} is too short for {rows}×{cols} with row stride {ld}.", name);
    }
}
