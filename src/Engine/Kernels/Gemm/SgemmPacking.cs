using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        if (transA)
        {
            PackATransposed(a, lda, i0, p0, mc, kc, mr, dst);
            return;
        }

        for (int ir = 0; ir < mc; ir += mr)
        {
            int h = Math.Min(mr, mc - ir);
            if (h == 6 && mr == 6)
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
    /// Transposed A: op(A)(i, p) = a[p * lda + i]. Walks the source row by row (one contiguous run of mc values
    /// per p) and deals each run out to the panels, so the reads stream instead of striding by lda.
    /// </summary>
    private static void PackATransposed(float* a, int lda, int i0, int p0, int mc, int kc, int mr, float* dst)
    {
        int full = mc / mr * mr;
        long panel = (long)kc * mr;
        for (int p = 0; p < kc; p++)
        {
            float* s = a + (long)(p0 + p) * lda + i0;
            float* d = dst + (long)p * mr;
            int i = 0;
            if (mr == 6)
            {
                for (; i < full; i += 6, d += panel)
                {
                    Vector128.Store(Vector128.Load(s + i), d);
                    *(long*)(d + 4) = *(long*)(s + i + 4);
                }
            }
            for (; i < full; i += mr, d += panel)
            {
                for (int r = 0; r < mr; r++) d[r] = s[i + r];
            }
            if (i < mc)
            {
                int r = 0;
                for (; i + r < mc; r++) d[r] = s[i + r];
                for (; r < mr; r++) d[r] = 0f;
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
        if (Avx.IsSupported)
        {
            // 8×8 register transposes: 8 source rows × 8 depths become 8 panel rows of 8 columns.
            for (; j + 8 <= w; j += 8)
            {
                float* s0 = s + (long)j * ldb;
                float* d = dst + j;
                int p = 0;
                for (; p + 8 <= kc; p += 8) Transpose8x8(s0 + p, ldb, d + (long)p * nr, nr);
                for (; p < kc; p++)
                {
                    for (int jj = 0; jj < 8; jj++) d[(long)p * nr + jj] = s0[(long)jj * ldb + p];
                }
            }
        }

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

    /// <summary>Transposes an 8×8 block: row r of the source (stride <paramref name="lds"/>) becomes column r.</summary>
    internal static void Transpose8x8(float* s, nint lds, float* d, nint ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + lds);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * lds), r3 = Avx.LoadVector256(s + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * lds), r5 = Avx.LoadVector256(s + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * lds), r7 = Avx.LoadVector256(s + 7 * lds);

        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }
}
