namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// A B operand packed once for the AVX-512 kernels and reused by many products with the same B (the per-step
/// products of a recurrent layer), so each product skips packing. Single-threaded; A is read in place (not
/// transposed). Results equal <see cref="Sgemm.Multiply"/>'s bitwise: same packing, kernel and summation order.
/// </summary>
internal static unsafe class SgemmPrepacked
{
    private const int Alignment = 16; // floats (64 bytes)

    /// <summary>
    /// Floats to rent for a packed op(B) of (k, n) in panels <paramref name="nr"/> wide (16, 32 or 64), or 0 when this
    /// path does not apply (use <see cref="Sgemm.Multiply"/>).
    /// </summary>
    public static int PackedLength(int k, int n, int nr)
    {
        if (Sgemm.BestPath != SgemmPath.Avx512 || k <= 0 || n <= 0 || k > SgemmDriver<Avx512Kernel6x64>.KC) return 0;
        if (n > SgemmDriver<Avx512Kernel6x64>.NC / nr * nr) return 0;
        return k * ((n + nr - 1) / nr * nr) + Alignment;
    }

    /// <summary>
    /// Panel width for products of <paramref name="m"/> rows: with m a multiple of 8, 32 or 16 (whichever pads n less,
    /// 32 on a near tie) so that 8-row tiles cover m exactly, e.g. 16/32/64 output channels, where 6-row tiles leave a
    /// partial last panel (m = 32: 36 rows computed, the last 2 through a copy); otherwise the 6-row width choice.
    /// </summary>
    public static int PanelWidth(int m, int n)
    {
        if (m % 8 != 0) return Sgemm.PickAvx512Width(n);
        int pad32 = (n + 31) / 32 * 32, pad16 = (n + 15) / 16 * 16;
        return pad16 * 1.04 < pad32 ? 16 : 32;
    }

    /// <summary>
    /// Packs op(B) (k, n) into <paramref name="packed"/> (at least <see cref="PackedLength"/> floats) in panels
    /// <paramref name="nr"/> wide and returns the offset of the 64-byte-aligned packed data, to pass to
    /// <see cref="Multiply"/> with the same buffer and panel width.
    /// </summary>
    public static int Pack(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb, Span<float> packed, int nr)
    {
        int length = PackedLength(k, n, nr);
        if (length == 0 || packed.Length < length) throw new ArgumentException("The packed buffer is too short or the path does not apply.", nameof(packed));
        if ((long)((transB ? n : k) - 1) * ldb + (transB ? k : n) > b.Length) throw new ArgumentException("B is too short.", nameof(b));
        int offset = AlignedOffset(packed);
        fixed (float* pb = b, pp = packed) SgemmPacking.PackB(transB, pb, ldb, 0, 0, k, n, nr, pp + offset);
        return offset;
    }

    /// <summary>
    /// Offset (in floats) of the first 64-byte-aligned element of <paramref name="packed"/>, where <see cref="Pack"/>
    /// and writers that fill the packed panels themselves (<see cref="PackedRowWriter"/>) start.
    /// </summary>
    public static int AlignedOffset(Span<float> packed)
    {
        fixed (float* pp = packed) return (int)((64 - ((nint)pp & 63)) & 63) / sizeof(float);
    }

    /// <summary>
    /// C (m, n) = A (m, k) · op(B) (+ C) with op(B) packed by <see cref="Pack"/> in panels <paramref name="nr"/> wide;
    /// 8-row tiles when m is a multiple of 8 and nr ≤ 32. Every element is summed in the same order by every tile
    /// shape, so results do not depend on the choice.
    /// </summary>
    public static void Multiply(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> packed, int offset,
        Span<float> c, int ldc, bool accumulate, int nr)
    {
        if (m <= 0) return;
        if ((long)(m - 1) * lda + k > a.Length) throw new ArgumentException("A is too short.", nameof(a));
        if ((long)(m - 1) * ldc + n > c.Length) throw new ArgumentException("C is too short.", nameof(c));
        if (offset < 0 || packed.Length < PackedLength(k, n, nr) - Alignment + offset) throw new ArgumentException("The packed buffer is too short.", nameof(packed));
        fixed (float* pa = a, pp = packed, pc = c)
        {
            var g = new SgemmArgs
            {
                Accumulate = accumulate, M = m, N = n, K = k, Lda = lda, Ldb = n, Ldc = ldc, A = pa, B = null, C = pc,
            };
            float* bp = pp + offset;
            bool rows8 = m % 8 == 0;
            switch (nr)
            {
                case 16 when rows8: SgemmDriver<Avx512Kernel8x16>.RunPrepacked(in g, bp); break;
                case 16: SgemmDriver<Avx512Kernel6x16>.RunPrepacked(in g, bp); break;
                case 32 when rows8: SgemmDriver<Avx512Kernel8x32>.RunPrepacked(in g, bp); break;
                case 32: SgemmDriver<Avx512Kernel6x32>.RunPrepacked(in g, bp); break;
                case 64: SgemmDriver<Avx512Kernel6x64>.RunPrepacked(in g, bp); break;
                default: throw new ArgumentOutOfRangeException(nameof(nr), nr, "Panel width must be 16, 32 or 64.");
            }
        }
    }
}
