using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine.Tests;

public class SgemmTests
{
    private const float Sentinel = 12345.5f;

    /// <summary>Every path this CPU supports, plus automatic dispatch (as names: SgemmPath is internal).</summary>
    public static TheoryData<string> Paths()
    {
        var data = new TheoryData<string>();
        foreach (SgemmPath p in SupportedPaths()) data.Add(p.ToString());
        return data;
    }

    private static IEnumerable<SgemmPath> SupportedPaths() =>
        new[] { SgemmPath.Auto, SgemmPath.Avx512, SgemmPath.Avx2, SgemmPath.Portable }.Where(Sgemm.IsSupported);

    private static readonly (int M, int N, int K)[] s_shapes =
    {
        (1, 1, 1), (7, 13, 5), (17, 23, 29), (97, 101, 103), (1000, 3, 7), (3, 7, 1000),
        (200, 70, 600), (13, 4100, 9), (300, 300, 300), (64, 512, 192),
        (50, 16, 40), (37, 32, 70), (25, 33, 20), (12, 64, 12), (6, 65, 513), (193, 17, 2),
        (48, 32, 520), (16, 20, 100), (144, 16, 1024), // 8-row tiles (m a multiple of 8, narrow n)
    };

    public static TheoryData<string, int, int, int> PathsAndShapes()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (SgemmPath p in SupportedPaths())
        {
            foreach (var (m, n, k) in s_shapes) data.Add(p.ToString(), m, n, k);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndShapes))]
    public void MatchesReference_AllTransposes_PaddedAndAccumulating(string path, int m, int n, int k)
    {
        var p = Enum.Parse<SgemmPath>(path);
        int seed = m * 7919 + n * 104729 + k;
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        {
            CheckAgainstReference(p, transA, transB, m, n, k, pad: 0, accumulate: false, seed++);
            CheckAgainstReference(p, transA, transB, m, n, k, pad: 3, accumulate: true, seed++);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void IntegerInputs_AreExact(string path)
    {
        var p = Enum.Parse<SgemmPath>(path);
        foreach (var (m, n, k) in new[] { (31, 67, 130), (130, 20, 520), (9, 129, 17) })
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        {
            var rnd = new Random(m + n + k);
            float[] a = Enumerable.Range(0, m * k).Select(_ => (float)rnd.Next(-3, 4)).ToArray();
            float[] b = Enumerable.Range(0, k * n).Select(_ => (float)rnd.Next(-3, 4)).ToArray();
            float[] c = new float[m * n];
            float[] expected = new float[m * n];
            int lda = transA ? m : k, ldb = transB ? k : n;
            Sgemm.MultiplyOnPath(transA, transB, m, n, k, a, lda, b, ldb, c, n, false, p);
            SgemmReference.Multiply(transA, transB, m, n, k, a, lda, b, ldb, expected, n, false);
            Assert.Equal(expected, c);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void KZero_ClearsOrKeepsC_AndLeavesPadding(string path)
    {
        var p = Enum.Parse<SgemmPath>(path);
        const int m = 5, n = 7, ldc = 9;
        float[] c = Enumerable.Range(0, (m - 1) * ldc + n).Select(i => i % ldc < n ? i + 1f : Sentinel).ToArray();
        float[] before = (float[])c.Clone();

        Sgemm.MultiplyOnPath(false, false, m, n, 0, ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, n, c, ldc, true, p);
        Assert.Equal(before, c);

        Sgemm.MultiplyOnPath(false, false, m, n, 0, ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, n, c, ldc, false, p);
        for (int i = 0; i < c.Length; i++) Assert.Equal(i % ldc < n ? 0f : Sentinel, c[i]);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void EmptyOutput_IsNoOp(string path)
    {
        var p = Enum.Parse<SgemmPath>(path);
        float[] a = { 1, 2, 3 };
        float[] c = { Sentinel };
        Sgemm.MultiplyOnPath(false, false, 0, 1, 3, a, 3, a, 1, c, 1, false, p);
        Sgemm.MultiplyOnPath(false, false, 1, 0, 3, a, 3, a, 1, c, 1, false, p);
        Assert.Equal(Sentinel, c[0]);
    }

    [Fact]
    public void PublicEntryPoint_MatchesReference()
    {
        CheckAgainstReference(null, false, true, 150, 90, 300, pad: 1, accumulate: false, seed: 5);
        CheckAgainstReference(null, true, false, 64, 512, 192, pad: 0, accumulate: true, seed: 6);
    }

    [Fact]
    public void ConcurrentCallers_BothGetCorrectResults()
    {
        const int m = 180, n = 170, k = 160, iterations = 25;
        var (a1, b1, expected1) = MakeProblem(m, n, k, 1);
        var (a2, b2, expected2) = MakeProblem(m, n, k, 2);
        var errors = new List<string>();
        void Work(float[] a, float[] b, float[] expected, string name)
        {
            float[] c = new float[m * n];
            for (int it = 0; it < iterations; it++)
            {
                Array.Fill(c, float.NaN);
                Sgemm.Multiply(false, false, m, n, k, a, k, b, n, c, n, false);
                string? error = Compare(c, expected, k, name + " iteration " + it);
                if (error is not null) lock (errors) errors.Add(error);
            }
        }

        var t1 = new Thread(() => Work(a1, b1, expected1, "thread 1"));
        var t2 = new Thread(() => Work(a2, b2, expected2, "thread 2"));
        t1.Start(); t2.Start();
        t1.Join(); t2.Join();
        Assert.Empty(errors);
    }

    [Fact]
    public void WarmCall_DoesNotAllocate()
    {
        var (a, b, _) = MakeProblem(120, 110, 100, 3);
        float[] c = new float[120 * 110];
        for (int i = 0; i < 3; i++) Sgemm.Multiply(false, true, 120, 110, 100, a, 100, b, 100, c, 110, false);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Sgemm.Multiply(false, true, 120, 110, 100, a, 100, b, 100, c, 110, false);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        float[] x = new float[12];
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(false, false, -1, 2, 2, x, 2, x, 2, x, 2, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(false, false, 2, 2, 3, x, 2, x, 2, x, 2, false));
        Assert.Throws<ArgumentException>(() => Sgemm.Multiply(false, false, 4, 4, 4, x, 4, x, 4, x, 4, false));
    }

    private static (float[] A, float[] B, float[] Expected) MakeProblem(int m, int n, int k, int seed)
    {
        var rnd = new Random(seed);
        float[] a = RandomArray(rnd, m * k);
        float[] b = RandomArray(rnd, k * n);
        float[] expected = new float[m * n];
        SgemmReference.Multiply(false, false, m, n, k, a, k, b, n, expected, n, false);
        return (a, b, expected);
    }

    private static float[] RandomArray(Random rnd, int length)
    {
        float[] x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rnd.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>
    /// Runs one case on <paramref name="path"/> (null: public entry point) and compares with the oracle.
    /// Padding of A and B holds NaN (reading it would poison the result); padding of C holds a sentinel that must survive.
    /// </summary>
    private static void CheckAgainstReference(SgemmPath? path, bool transA, bool transB, int m, int n, int k,
        int pad, bool accumulate, int seed)
    {
        var rnd = new Random(seed);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        float[] a = Strided(rnd, aRows, aCols, lda, float.NaN);
        float[] b = Strided(rnd, bRows, bCols, ldb, float.NaN);
        float[] c = Strided(rnd, m, n, ldc, Sentinel);
        if (!accumulate)
        {
            for (int i = 0; i < m; i++) c.AsSpan(i * ldc, n).Fill(float.NaN);
        }
        float[] expected = (float[])c.Clone();
        SgemmReference.Multiply(transA, transB, m, n, k, a, lda, b, ldb, expected, ldc, accumulate);

        if (path is null) Sgemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        else Sgemm.MultiplyOnPath(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, path.Value);

        string error = Compare(c, expected, k,
            $"path={path?.ToString() ?? "public"} tA={transA} tB={transB} m={m} n={n} k={k} pad={pad} acc={accumulate}") ?? "";
        Assert.True(error.Length == 0, error);
        for (int i = 0; i < c.Length; i++)
        {
            if (i % ldc >= n) Assert.True(c[i] == Sentinel, $"padding of C at {i} was overwritten");
        }
    }

    private static float[] Strided(Random rnd, int rows, int cols, int ld, float padValue)
    {
        float[] x = new float[rows == 0 ? 0 : (rows - 1) * ld + cols];
        for (int i = 0; i < x.Length; i++) x[i] = i % ld < cols ? (float)(rnd.NextDouble() * 2 - 1) : padValue;
        return x;
    }

    /// <summary>Null when every element is within 1e-5·√k·(1+|expected|) of the double-accumulated oracle.</summary>
    private static string? Compare(float[] actual, float[] expected, int k, string label)
    {
        float scale = 1e-5f * MathF.Sqrt(Math.Max(k, 1));
        for (int i = 0; i < actual.Length; i++)
        {
            float e = expected[i], g = actual[i];
            if (e == Sentinel) continue;
            if (!(MathF.Abs(g - e) <= scale * (1 + MathF.Abs(e))))
                return $"{label}: element {i} is {g}, expected {e}";
        }
        return null;
    }

    [Theory]
    [InlineData(1, 512, 128)]
    [InlineData(3, 200, 600)]
    [InlineData(4, 70, 9)]
    [InlineData(2, 5, 1030)]
    public void FewRowProductsEqualThePackedKernelBitwise(int m, int n, int k)
    {
        // The unpacked few-row path must sum exactly like the packed AVX-512 kernels (batch-size invariance).
        if (!Sgemm.IsSupported(SgemmPath.Avx512)) return;
        var rnd = new Random(m * 1000 + n + k);
        foreach (bool transA in new[] { false, true })
            foreach (bool accumulate in new[] { false, true })
            {
                float[] a = Enumerable.Range(0, m * k).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
                float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
                float[] c0 = Enumerable.Range(0, m * n).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
                float[] auto = (float[])c0.Clone(), packed = (float[])c0.Clone();
                int lda = transA ? m : k;
                Sgemm.Multiply(transA, false, m, n, k, a, lda, b, n, auto, n, accumulate);
                Sgemm.MultiplyOnPath(transA, false, m, n, k, a, lda, b, n, packed, n, accumulate, SgemmPath.Avx512);
                for (int i = 0; i < auto.Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(auto[i]) == BitConverter.SingleToInt32Bits(packed[i]),
                        $"tA={transA} acc={accumulate} element {i}: {auto[i]} vs {packed[i]}");
            }
    }

    [Theory]
    [InlineData(8, 100, 144)]
    [InlineData(16, 40, 9)]
    [InlineData(32, 392, 288)]
    [InlineData(24, 17, 300)]
    [InlineData(13, 70, 64)]  // not a multiple of 8: 6-row tiles
    [InlineData(5, 33, 512)]
    public void PrepackedProductsAtEveryPanelWidthEqualTheDriverBitwise(int m, int n, int k)
    {
        // 8-row and 6-row tiles, 16/32/64-wide panels: every element is summed in the same order, so all must agree
        // bit for bit with the blocked driver (which is checked against the double-precision oracle above).
        if (!Sgemm.IsSupported(SgemmPath.Avx512)) return;
        var rnd = new Random(m * 7919 + n * 31 + k);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
        float[] c0 = Enumerable.Range(0, m * n).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
        foreach (bool accumulate in new[] { false, true })
        {
            float[] expected = (float[])c0.Clone();
            Sgemm.MultiplyOnPath(false, false, m, n, k, a, k, b, n, expected, n, accumulate, SgemmPath.Avx512);
            foreach (int nr in new[] { 16, 32, 64, SgemmPrepacked.PanelWidth(m, n) })
            {
                var packed = new float[SgemmPrepacked.PackedLength(k, n, nr)];
                int offset = SgemmPrepacked.Pack(false, k, n, b, n, packed, nr);
                float[] actual = (float[])c0.Clone();
                SgemmPrepacked.Multiply(m, n, k, a, k, packed, offset, actual, n, accumulate, nr);
                for (int i = 0; i < actual.Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                        $"nr={nr} acc={accumulate} element {i}: {actual[i]} vs {expected[i]}");
            }
        }
    }

    [Theory]
    [InlineData(32, 768, 256)]  // 5 full 6-row panels + 2 rows (2-row tile)
    [InlineData(64, 48, 600)]   // + 4 rows (4-row tile), two KC blocks
    [InlineData(27, 40, 33)]    // + 3 rows (4-row tile, 1 padded row), partial last column panel
    [InlineData(13, 16, 1030)]  // + 1 row (2-row tile, 1 padded row), three KC blocks
    [InlineData(5, 100, 70)]    // only a 5-row panel: stays on the 6-row tile; last 4 columns on the 6×8 tile
    [InlineData(4, 33, 9)]      // last column alone (6×8 tile, 1 column written)
    [InlineData(12, 8, 70)]     // n = 8: every tile 6×8
    [InlineData(30, 20, 513)]   // 16 + 4 columns, two KC blocks
    [InlineData(7, 15, 40)]     // w = 15: the 6×16 tile through scratch
    public void Avx2EdgeTiles_MatchReference_AndEqualTheFullTileBitwise(int m, int n, int k)
    {
        // The last h < 6 rows run the AVX2 4-row or 2-row tile, the last w ≤ 8 columns the 6×8 tile. They must match the
        // oracle for every transpose, strided operands and accumulation, and sum exactly as the 6×16 tile: the same rows
        // computed inside a taller product (where they fall in a full panel) must be equal bit for bit (batch-size
        // invariance); the narrow columns are compared with the oracle only (every product has them).
        if (!Sgemm.IsSupported(SgemmPath.Avx2)) return;
        int seed = m * 31 + n * 7 + k;
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        {
            CheckAgainstReference(SgemmPath.Avx2, transA, transB, m, n, k, pad: 0, accumulate: false, seed++);
            CheckAgainstReference(SgemmPath.Avx2, transA, transB, m, n, k, pad: 5, accumulate: true, seed++);
        }

        int tall = (m + 5) / 6 * 6 + 6; // m's rows then at least one more full panel: no partial panel in the first m rows
        var rnd = new Random(seed);
        float[] a = Enumerable.Range(0, tall * k).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
        float[] c0 = Enumerable.Range(0, tall * n).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
        foreach (bool transA in new[] { false, true })
        foreach (bool accumulate in new[] { false, true })
        {
            // Row-major A (tall, k) or its transpose stored (k, tall); the short product takes the first m rows.
            float[] stored = transA ? Transposed(a, tall, k) : a;
            float[] shortA = transA ? Enumerable.Range(0, k * m).Select(i => stored[i / m * tall + i % m]).ToArray() : a[..(m * k)];
            float[] expected = (float[])c0.Clone(), actual = c0[..(m * n)];
            Sgemm.MultiplyOnPath(transA, false, tall, n, k, stored, transA ? tall : k, b, n, expected, n, accumulate, SgemmPath.Avx2);
            Sgemm.MultiplyOnPath(transA, false, m, n, k, shortA, transA ? m : k, b, n, actual, n, accumulate, SgemmPath.Avx2);
            for (int i = 0; i < actual.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                    $"tA={transA} acc={accumulate} element {i}: {actual[i]} vs {expected[i]}");
        }
    }

    private static float[] Transposed(float[] x, int rows, int cols)
    {
        var t = new float[x.Length];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j];
        return t;
    }

    [Theory]
    [InlineData(1, 512, 128)]
    [InlineData(3, 200, 600)]
    [InlineData(4, 70, 9)]
    [InlineData(2, 5, 1030)]
    [InlineData(2, 45, 33)]
    public void FewRowProductsEqualTheAvx2PackedKernelBitwise(int m, int n, int k)
    {
        // The AVX2 row routine must sum exactly like the packed AVX2 kernels (batch-size invariance on AVX2 hosts).
        if (!Sgemm.IsSupported(SgemmPath.Avx2)) return;
        var rnd = new Random(m * 1000 + n + k);
        foreach (bool transA in new[] { false, true })
        foreach (bool accumulate in new[] { false, true })
        {
            int pad = 3, lda = (transA ? m : k) + pad, ldb = n + pad, ldc = n + pad;
            float[] a = Enumerable.Range(0, (transA ? k : m) * lda).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
            float[] b = Enumerable.Range(0, k * ldb).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
            float[] c0 = Enumerable.Range(0, m * ldc).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
            float[] rows = (float[])c0.Clone(), packed = (float[])c0.Clone();
            SgemmSmall.Multiply(transA, m, n, k, a, lda, b, ldb, rows, ldc, accumulate, SgemmPath.Avx2);
            Sgemm.MultiplyOnPath(transA, false, m, n, k, a, lda, b, ldb, packed, ldc, accumulate, SgemmPath.Avx2);
            for (int i = 0; i < rows.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(rows[i]) == BitConverter.SingleToInt32Bits(packed[i]),
                    $"tA={transA} acc={accumulate} element {i}: {rows[i]} vs {packed[i]}");
        }
    }

    [Theory]
    [InlineData(13, 40, 70)]
    [InlineData(6, 4, 600)]
    [InlineData(31, 7, 64)]
    public void Avx2NarrowColumnTiles_EqualTheFullTileBitwise(int m, int n, int k)
    {
        // The last w ≤ 8 columns run the 6×8 tile; inside a wider product the same columns run the 6×16 tile.
        if (!Sgemm.IsSupported(SgemmPath.Avx2)) return;
        int wide = (n + 15) / 16 * 16 + 16;
        var rnd = new Random(m * 131 + n * 17 + k);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
        float[] bWide = Enumerable.Range(0, k * wide).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
        foreach (bool transB in new[] { false, true })
        foreach (bool accumulate in new[] { false, true })
        {
            float[] c0 = Enumerable.Range(0, m * wide).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
            float[] b = transB ? Transposed(bWide, k, wide) : bWide; // stored (wide, k) when transposed
            float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
            Sgemm.MultiplyOnPath(false, transB, m, wide, k, a, k, b, transB ? k : wide, expected, wide, accumulate, SgemmPath.Avx2);
            Sgemm.MultiplyOnPath(false, transB, m, n, k, a, k, b, transB ? k : wide, actual, wide, accumulate, SgemmPath.Avx2);
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i * wide + j]) == BitConverter.SingleToInt32Bits(actual[i * wide + j]),
                    $"tB={transB} acc={accumulate} ({i}, {j}): {actual[i * wide + j]} vs {expected[i * wide + j]}");
        }
    }
}
