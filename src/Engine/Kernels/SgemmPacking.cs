using System.Runtime.Intrinsics;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Packs blocks of A and B into the panel layouts the micro-kernels read, zero-padding partial panels
/// so edge tiles can run the full-size kernel.
/// </summary>
internal static unsafe class SgemmPacking
{
    /// <summary>
    /// Packs op(A)[i0..i0+mc, p0..p0+kc] as consecutive MR-row panels; panel r holds, for each p, MR values.
    /// </summary>
    public static void PackA(bool transA, float* a, int lda, int i0, int p0, int mc, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int h = Math.Min(mr, mc - ir);
            if (transA)
            {
                // op(A)(i, p) = a[p * lda + i]: each p contributes h contiguous values.
                float* s = a + (long)p0 * lda + i0 + ir;
                for (int p = 0; p < kc; p++, s += lda, dst += mr)
                {
                    int i = 0;
                    for (; i < h; i++) dst[i] = s[i];
                    for (; i < mr; i++) dst[i] = 0f;
                }
            }
            else if (h == 6 && mr == 6)
            {
                float* r0 = a + (long)(i0 + ir) * lda + p0;
                float* r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
                for (int p = 0; p < kc; p++, dst += 6)
                {
                    dst[0] = r0[p]; dst[1] = r1[p]; dst[2] = r2[p];
                    dst[3] = r3[p]; dst[4] = r4[p]; dst[5] = r5[p];
                }
            }
            else
            {
                // op(A)(i, p) = a[i * lda + p]: gather one value from each of the h rows per p.
                for (int i = 0; i < h; i++)
                {
                    float* s = a + (long)(i0 + ir + i) * lda + p0;
                    float* d = dst + i;
                    for (int p = 0; p < kc; p++) d[p * mr] = s[p];
                }
                for (int i = h; i < mr; i++)
                {
                    float* d = dst + i;
                    for (int p = 0; p < kc; p++) d[p * mr] = 0f;
                }
                dst += kc * mr;
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] as consecutive NR-column panels; panel j holds kc rows of NR values.
    /// </summary>
    /// <remarks><paramref name="nr"/> must be a multiple of 8.</remarks>
    public static void PackB(bool transB, float* b, int ldb, int p0, int j0, int kc, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int w = Math.Min(nr, nc - jr);
            if (!transB)
            {
                // op(B)(p, j) = b[p * ldb + j]: each row of the panel is a contiguous copy.
                float* s = b + (long)p0 * ldb + j0 + jr;
                if (w == nr)
                {
                    for (int p = 0; p < kc; p++, s += ldb, dst += nr)
                    {
                        if (Vector256.IsHardwareAccelerated)
                        {
                            for (int j = 0; j < nr; j += 8) Vector256.Store(Vector256.Load(s + j), dst + j);
                        }
                        else
                        {
                            for (int j = 0; j < nr; j += 4) Vector128.Store(Vector128.Load(s + j), dst + j);
                        }
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++, s += ldb, dst += nr)
                    {
                        int j = 0;
                        for (; j < w; j++) dst[j] = s[j];
                        for (; j < nr; j++) dst[j] = 0f;
                    }
                }
            }
            else
            {
                // op(B)(p, j) = b[j * ldb + p]: transpose w source rows into the panel columns.
                PackBTransposed(b + (long)(j0 + jr) * ldb + p0, ldb, kc, w, nr, dst);
                dst += kc * nr;
            }
        }
    }

    private static void PackBTransposed(float* s, int ldb, int kc, int w, int nr, float* dst)
    {
        int j = 0;
        // Four source rows at a time: four sequential read streams, four adjacent writes per p.
        for (; j + 4 <= w; j += 4)
        {
            float* s0 = s + (long)j * ldb, s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb;
            float* d = dst + j;
            for (int p = 0; p < kc; p++, d += nr)
            {
                d[0] = s0[p]; d[1] = s1[p]; d[2] = s2[p]; d[3] = s3[p];
            }
        }
        for (; j < w; j++)
        {
            float* s0 = s + (long)j * ldb;
            float* d = dst + j;
            for (int p = 0; p < kc; p++, d += nr) d[0] = s0[p];
        }
        for (; j < nr; j++)
        {
            float* d = dst + j;
            for (int p = 0; p < kc; p++, d += nr) d[0] = 0f;
        }
    }
}
