namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Single-threaded GotoBLAS/BLIS-style blocked SGEMM: loops over NC-column blocks of B, KC-deep slices,
/// MC-row blocks of A, then NR×MR register tiles computed by the micro-kernel <typeparamref name="TKernel"/>.
/// When A is not transposed its MR-row panels are read in place instead of packed (loop order NC, KC, MR, NR):
/// a 6×kc panel of row-major A stays in L1 across the NR-column panels of B, so packing it would only add a copy.
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
        // Row-major A is read in place (measured 3-7% faster than packing it on Zen 4); transposed A is packed,
        // since reading it in place strides by lda every k step (cache-set conflicts when lda is a power of two).
        bool direct = !g.TransA;
        SgemmBuffers buffers = SgemmBuffers.Current;
        float* tile = stackalloc float[mr * nr];
        int m = g.M, n = g.N, k = g.K;

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
                if (direct)
                {
                    BlockDirect(in g, buffers, bp, tile, jc, nc, pc, kc, add);
                    continue;
                }

                for (int ic = 0; ic < m; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m - ic);
                    float* ap = buffers.A(kc * ((mc + mr - 1) / mr * mr));
                    SgemmPacking.PackA(g.TransA, g.A, g.Lda, ic, pc, mc, kc, mr, ap);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        float* bPanel = bp + (long)jr * kc;
                        float* cColumn = g.C + (long)ic * g.Ldc + jc + jr;
                        int w = Math.Min(nr, nc - jr);
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            Tile(kc, ap + (long)ir * kc, 1, mr, bPanel, cColumn + (long)ir * g.Ldc, g.Ldc,
                                Math.Min(mr, mc - ir), w, add, tile);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Run"/> for A not transposed, k ≤ KC and n ≤ NC with B already packed (<see cref="SgemmPrepacked"/>).
    /// </summary>
    public static void RunPrepacked(in SgemmArgs g, float* bp)
    {
        float* tile = stackalloc float[TKernel.MR * TKernel.NR];
        BlockDirect(in g, SgemmBuffers.Current, bp, tile, 0, g.N, 0, g.K, g.Accumulate);
    }

    /// <summary>
    /// One KC×NC block with row-major A read in place (full MR-row panels) or packed (the final partial panel).
    /// </summary>
    private static void BlockDirect(in SgemmArgs g, SgemmBuffers buffers, float* bp, float* tile,
        int jc, int nc, int pc, int kc, bool add)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        for (int ir = 0; ir < g.M; ir += mr)
        {
            int h = Math.Min(mr, g.M - ir);
            float* aPanel;
            nint rs = g.Lda, cs = 1;
            if (h == mr)
            {
                aPanel = g.A + (long)ir * g.Lda + pc;
            }
            else
            {
                aPanel = buffers.A(kc * mr);
                SgemmPacking.PackA(g.TransA, g.A, g.Lda, ir, pc, h, kc, mr, aPanel);
                rs = 1;
                cs = mr;
            }

            float* cRow = g.C + (long)ir * g.Ldc + jc;
            for (int jr = 0; jr < nc; jr += nr)
            {
                Tile(kc, aPanel, rs, cs, bp + (long)jr * kc, cRow + jr, g.Ldc, h, Math.Min(nr, nc - jr), add, tile);
            }
        }
    }

    /// <summary>
    /// Runs the kernel on one tile; a partial (h×w) tile runs the kernel's smaller tile for that edge when it has one
    /// (<see cref="ISgemmKernel.RunPartial"/>), else the full tile into <paramref name="tile"/> scratch and a copy.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Tile(int kc, float* a, nint rsA, nint csA, float* b, float* c, int ldc, int h, int w,
        bool add, float* tile)
    {
        if (h == TKernel.MR && w == TKernel.NR)
        {
            TKernel.Run(kc, a, rsA, csA, b, c, ldc, add);
            return;
        }

        // A smaller tile if the kernel has one for this edge (it writes only the h×w part of C).
        if (TKernel.RunPartial(h, w, kc, a, rsA, csA, b, c, ldc, add)) return;

        TKernel.Run(kc, a, rsA, csA, b, tile, TKernel.NR, false);
        for (int i = 0; i < h; i++, tile += TKernel.NR, c += ldc)
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
