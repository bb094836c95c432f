namespace MlNetDeep.Engine.Kernels;

/// <summary>One (sub-)problem for the blocked driver: pointers into the caller's storage plus shape and flags.</summary>
internal unsafe struct SgemmArgs
{
    public bool TransA, TransB, Accumulate;
    public int M, N, K, Lda, Ldb, Ldc;
    public float* A, B, C;

    /// <summary>The sub-problem covering rows [i0, i0+rows) of C.</summary>
    public readonly SgemmArgs RowSlice(int i0, int rows)
    {
        SgemmArgs s = this;
        s.M = rows;
        s.A = A + (TransA ? i0 : (long)i0 * Lda);
        s.C = C + (long)i0 * Ldc;
        return s;
    }

    /// <summary>The sub-problem covering columns [j0, j0+cols) of C.</summary>
    public readonly SgemmArgs ColumnSlice(int j0, int cols)
    {
        SgemmArgs s = this;
        s.N = cols;
        s.B = B + (TransB ? (long)j0 * Ldb : j0);
        s.C = C + j0;
        return s;
    }
}

/// <summary>
/// Single-threaded GotoBLAS/BLIS-style blocked SGEMM: loops over NC-column blocks of B, KC-deep slices,
/// MC-row blocks of A, then NR×MR register tiles computed by the micro-kernel <typeparamref name="TKernel"/>.
/// </summary>
internal static unsafe class SgemmDriver<TKernel> where TKernel : struct, ISgemmKernel
{
    /// <summary>Depth of a packed slice (A panel and B panel share it).</summary>
    public const int KC = 512;

    /// <summary>Rows of A packed at once (rounded down to a multiple of MR).</summary>
    public const int MC = 192;

    /// <summary>Columns of B packed at once.</summary>
    public const int NC = 4096;

    /// <summary>Computes the whole of <paramref name="g"/> on the calling thread. Requires m, n, k &gt; 0.</summary>
    public static void Run(in SgemmArgs g)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int mcMax = MC / mr * mr;
        int ncMax = NC / nr * nr;
        SgemmBuffers buffers = SgemmBuffers.Current;
        float* tile = stackalloc float[mr * nr];
        int m = g.M, n = g.N, k = g.K, ldc = g.Ldc;

        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            int ncPadded = (nc + nr - 1) / nr * nr;
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                bool add = g.Accumulate || pc > 0;
                float* bp = buffers.B(kc * ncPadded);
                SgemmPacking.PackB(g.TransB, g.B, g.Ldb, pc, jc, kc, nc, nr, bp);

                for (int ic = 0; ic < m; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m - ic);
                    float* ap = buffers.A(kc * ((mc + mr - 1) / mr * mr));
                    SgemmPacking.PackA(g.TransA, g.A, g.Lda, ic, pc, mc, kc, mr, ap);

                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int w = Math.Min(nr, nc - jr);
                        float* bPanel = bp + (long)jr * kc;
                        float* cColumn = g.C + (long)ic * ldc + jc + jr;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int h = Math.Min(mr, mc - ir);
                            float* aPanel = ap + (long)ir * kc;
                            float* cTile = cColumn + (long)ir * ldc;
                            if (h == mr && w == nr)
                            {
                                TKernel.Run(kc, aPanel, bPanel, cTile, ldc, add);
                            }
                            else
                            {
                                TKernel.Run(kc, aPanel, bPanel, tile, nr, false);
                                WriteEdge(tile, nr, cTile, ldc, h, w, add);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void WriteEdge(float* tile, int nr, float* c, int ldc, int h, int w, bool add)
    {
        for (int i = 0; i < h; i++, tile += nr, c += ldc)
        {
            if (add)
            {
                for (int j = 0; j < w; j++) c[j] += tile[j];
            }
            else
            {
                for (int j = 0; j < w; j++) c[j] = tile[j];
            }
        }
    }
}
