using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// 2×2, stride 2, unpadded max pooling of P planes (H, W) with W even and H even (the common "halve the map" case),
/// with the same result as the generic loop: windows scanned row-major from −∞ with a strict &gt;, i.e. the first
/// maximum wins and NaN never wins. Two passes: horizontal pair maxima over the whole tensor (pairs never straddle
/// rows since W is even; AVX-512 deinterleaves 32 floats at a time), then vertical maxima of row pairs. Comparing the
/// later pair with a strict &gt; keeps the first maximum, so the two-level order equals the sequential scan.
/// </summary>
internal static class MaxPool2x2
{
    /// <summary>True when this kernel applies.</summary>
    public static bool Applies(int h, int w, in Window2d win) =>
        win.KernelH == 2 && win.KernelW == 2 && win.StrideH == 2 && win.StrideW == 2 && win.PadH == 0 && win.PadW == 0
        && (h & 1) == 0 && (w & 1) == 0;

    /// <summary>y (P, H/2, W/2) and the plane offset of every maximum in <paramref name="argmax"/>.</summary>
    /// <param name="x">(P, H, W)</param>
    /// <param name="y">(P, H/2, W/2)</param>
    /// <param name="argmax">(P, H/2, W/2) offsets within the input plane.</param>
    /// <param name="pairMax">Scratch of P·H·W/2 floats.</param>
    /// <param name="pairAt">Scratch of P·H·W/2 ints.</param>
    /// <param name="h">H</param>
    /// <param name="w">W</param>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, Span<float> pairMax, Span<int> pairAt, int h, int w)
    {
        int half = x.Length / 2;
        HorizontalPairs(x, pairMax[..half], pairAt[..half]);
        int wo = w / 2, ho = h / 2, rows = y.Length / Math.Max(wo, 1);
        for (int r = 0; r < rows; r++)
        {
            int oh = r % ho;
            var top = pairMax.Slice(2 * r * wo, wo);
            var bottom = pairMax.Slice((2 * r + 1) * wo, wo);
            var topAt = pairAt.Slice(2 * r * wo, wo);
            var bottomAt = pairAt.Slice((2 * r + 1) * wo, wo);
            var yr = y.Slice(r * wo, wo);
            var ar = argmax.Slice(r * wo, wo);
            int rowTop = 2 * oh * w;
            if (wo >= Vector256<float>.Count) VerticalRow256(top, bottom, topAt, bottomAt, yr, ar, rowTop, w);
            else if (wo >= Vector128<float>.Count) VerticalRow128(top, bottom, topAt, bottomAt, yr, ar, rowTop, w);
            else
            {
                for (int ow = 0; ow < wo; ow++)
                {
                    float t = top[ow], b = bottom[ow];
                    bool lower = b > t;
                    yr[ow] = lower ? b : t;
                    ar[ow] = rowTop + 2 * ow + (lower ? w + bottomAt[ow] : topAt[ow]);
                }
            }
        }
    }

    // Vertical pass of one output row, branch-free. Rows are short (W/2 = 14 or 7 in LeNet), so the last vector
    // overlaps the previous one instead of a scalar tail: it recomputes a few outputs with the same values.
    private static void VerticalRow256(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, ReadOnlySpan<int> topAt, ReadOnlySpan<int> bottomAt,
        Span<float> y, Span<int> at, int rowTop, int w)
    {
        int wo = y.Length, step = Vector256<float>.Count;
        var twice = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14) + Vector256.Create(rowTop);
        var down = Vector256.Create(w);
        for (int i = 0; ; i += step)
        {
            if (i > wo - step) i = wo - step;
            var t = Vector256.Create(top.Slice(i, step));
            var b = Vector256.Create(bottom.Slice(i, step));
            var lower = Vector256.GreaterThan(b, t);
            Vector256.ConditionalSelect(lower, b, t).CopyTo(y.Slice(i, step));
            var offset = Vector256.ConditionalSelect(lower.AsInt32(), Vector256.Create(bottomAt.Slice(i, step)) + down, Vector256.Create(topAt.Slice(i, step)));
            (twice + Vector256.Create(2 * i) + offset).CopyTo(at.Slice(i, step));
            if (i == wo - step) return;
        }
    }

    private static void VerticalRow128(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, ReadOnlySpan<int> topAt, ReadOnlySpan<int> bottomAt,
        Span<float> y, Span<int> at, int rowTop, int w)
    {
        int wo = y.Length, step = Vector128<float>.Count;
        var twice = Vector128.Create(0, 2, 4, 6) + Vector128.Create(rowTop);
        var down = Vector128.Create(w);
        for (int i = 0; ; i += step)
        {
            if (i > wo - step) i = wo - step;
            var t = Vector128.Create(top.Slice(i, step));
            var b = Vector128.Create(bottom.Slice(i, step));
            var lower = Vector128.GreaterThan(b, t);
            Vector128.ConditionalSelect(lower, b, t).CopyTo(y.Slice(i, step));
            var offset = Vector128.ConditionalSelect(lower.AsInt32(), Vector128.Create(bottomAt.Slice(i, step)) + down, Vector128.Create(topAt.Slice(i, step)));
            (twice + Vector128.Create(2 * i) + offset).CopyTo(at.Slice(i, step));
            if (i == wo - step) return;
        }
    }

    /// <summary>m[i] = first maximum of (−∞, x[2i], x[2i+1]) under strict &gt;, at[i] = 0 or 1 (0 when neither wins).</summary>
    private static void HorizontalPairs(ReadOnlySpan<float> x, Span<float> m, Span<int> at)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref int ar = ref MemoryMarshal.GetReference(at);
        int i = 0, n = m.Length;
        if (Avx512F.IsSupported)
        {
            var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            var odds = evens + Vector512<int>.One;
            var negInf = Vector512.Create(float.NegativeInfinity);
            for (; i <= n - 16; i += 16)
            {
                var lo = Vector512.LoadUnsafe(ref xr, (nuint)(2 * i));
                var hi = Vector512.LoadUnsafe(ref xr, (nuint)(2 * i + 16));
                var a = Avx512F.PermuteVar16x32x2(lo, evens, hi);
                var b = Avx512F.PermuteVar16x32x2(lo, odds, hi);
                var best = Vector512.ConditionalSelect(Vector512.GreaterThan(a, negInf), a, negInf);
                var second = Vector512.GreaterThan(b, best);
                Vector512.ConditionalSelect(second, b, best).StoreUnsafe(ref mr, (nuint)i);
                (second.AsInt32() & Vector512<int>.One).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float a = Unsafe.Add(ref xr, 2 * i), b = Unsafe.Add(ref xr, 2 * i + 1);
            float best = a > float.NegativeInfinity ? a : float.NegativeInfinity;
            bool second = b > best;
            Unsafe.Add(ref mr, i) = second ? b : best;
            Unsafe.Add(ref ar, i) = second ? 1 : 0;
        }
    }
}
