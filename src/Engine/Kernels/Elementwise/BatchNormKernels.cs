using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Per-channel batch-normalisation passes over x viewed as (B, C, S): channel ch owns the B contiguous segments
/// x[(i·C + ch)·S … +S). Each segment is reduced with float vector accumulators (S is at most a feature map, so the
/// float partial sums stay accurate) and the B partial sums are added in double, in a fixed order: results do not
/// depend on timing.
/// </summary>
internal static class BatchNormKernels
{
    /// <summary>Runs <paramref name="body"/>(c0, c1) over channel ranges, on several threads when the tensor is large.</summary>
    /// <param name="channels">C.</param>
    /// <param name="perChannel">Values per channel, B·S.</param>
    /// <param name="body">Work on channels [c0, c1).</param>
    public static void ForChannels(int channels, int perChannel, Action<int, int> body) =>
        ParallelRanges.For(channels, 3L * perChannel, body);

    /// <summary>Batch mean and biased variance of channel <paramref name="ch"/> (two passes: mean, then Σ(x − mean)²).</summary>
    public static (double Mean, double Variance) Statistics(ReadOnlySpan<float> x, int b, int c, int s, int ch)
    {
        double sum = 0;
        for (int i = 0; i < b; i++) sum += TensorPrimitives.Sum(x.Slice((i * c + ch) * s, s));
        double mean = sum / ((double)b * s);
        double sq = 0;
        for (int i = 0; i < b; i++) sq += SumSquaredDeviation(x.Slice((i * c + ch) * s, s), mean);
        return (mean, sq / ((double)b * s));
    }

    /// <summary>Σ (x − mean)², float lanes over one segment.</summary>
    private static double SumSquaredDeviation(ReadOnlySpan<float> x, double mean)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        float m = (float)mean;
        int i = 0, n = x.Length;
        double total = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var mv = Vector512.Create(m);
            var acc = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var d = Vector512.LoadUnsafe(ref xr, (nuint)i) - mv;
                acc = Vector512.FusedMultiplyAdd(d, d, acc);
            }
            total = Vector512.Sum(acc);
        }
        for (; i < n; i++)
        {
            double d = Unsafe.Add(ref xr, i) - mean;
            total += d * d;
        }
        return total;
    }

    /// <summary>
    /// Per segment: y = γ·(x − mean)·rstd + β. x̂ is not stored: backward recomputes it from x, which saves writing and
    /// re-reading a tensor as large as x (BatchNorm is memory-bound).
    /// </summary>
    public static void Normalise(ReadOnlySpan<float> x, Span<float> y, int b, int c, int s, int ch, float mean, float rstd, float gamma, float beta,
        bool relu = false)
    {
                for (int bi = 0; bi < b; bi++)
        {
            int off = (bi * c + ch) * s;
            ref float xr = ref MemoryMarshal.GetReference(x.Slice(off, s));
            ref float yr = ref MemoryMarshal.GetReference(y.Slice(off, s));
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> mv = Vector512.Create(mean), rv = Vector512.Create(rstd), gv = Vector512.Create(gamma), bv = Vector512.Create(beta);
                if (relu)
                {
                    for (; i <= s - Vector512<float>.Count; i += Vector512<float>.Count)
                        Vector512.Max(Vector512.FusedMultiplyAdd((Vector512.LoadUnsafe(ref xr, (nuint)i) - mv) * rv, gv, bv), Vector512<float>.Zero)
                            .StoreUnsafe(ref yr, (nuint)i);
                }
                else
                {
                    for (; i <= s - Vector512<float>.Count; i += Vector512<float>.Count)
                        Vector512.FusedMultiplyAdd((Vector512.LoadUnsafe(ref xr, (nuint)i) - mv) * rv, gv, bv).StoreUnsafe(ref yr, (nuint)i);
                }
            }
            for (; i < s; i++)
            {
                float v = MathF.FusedMultiplyAdd((Unsafe.Add(ref xr, i) - mean) * rstd, gamma, beta);
                Unsafe.Add(ref yr, i) = relu ? MathF.Max(v, 0f) : v;
            }
        }
    }

    /// <summary>Σ dy and Σ dy·x̂ over channel <paramref name="ch"/> (d loss/dβ and d loss/dγ), with x̂ = (x − mean)·rstd.</summary>
    /// <remarks>With <paramref name="reluOutput"/> (the output of a fused BatchNorm → ReLU), dy counts only where it is positive.</remarks>
    public static (double SumDy, double SumDyXhat) GradientSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int b, int c, int s, int ch,
        float mean, float rstd, ReadOnlySpan<float> reluOutput = default)
    {
        bool masked = !reluOutput.IsEmpty;
        double sumDy = 0, sumDyXhat = 0;
        for (int bi = 0; bi < b; bi++)
        {
            int off = (bi * c + ch) * s;
            ref float gr = ref MemoryMarshal.GetReference(dy.Slice(off, s));
            ref float xr = ref MemoryMarshal.GetReference(x.Slice(off, s));
            ref float yr = ref masked ? ref MemoryMarshal.GetReference(reluOutput.Slice(off, s)) : ref gr;
            int i = 0;
            float partDy = 0f, partDyXhat = 0f;
            if (Vector512.IsHardwareAccelerated && s >= Vector512<float>.Count)
            {
                Vector512<float> a1 = Vector512<float>.Zero, a2 = Vector512<float>.Zero, mv = Vector512.Create(mean), rv = Vector512.Create(rstd);
                for (; i <= s - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                    if (masked) g = Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.LoadUnsafe(ref yr, (nuint)i), Vector512<float>.Zero), g, Vector512<float>.Zero);
                    a1 += g;
                    a2 = Vector512.FusedMultiplyAdd(g, (Vector512.LoadUnsafe(ref xr, (nuint)i) - mv) * rv, a2);
                }
                partDy = Vector512.Sum(a1);
                partDyXhat = Vector512.Sum(a2);
            }
            for (; i < s; i++)
            {
                float g = masked && !(Unsafe.Add(ref yr, i) > 0f) ? 0f : Unsafe.Add(ref gr, i);
                partDy += g;
                partDyXhat += g * ((Unsafe.Add(ref xr, i) - mean) * rstd);
            }
            sumDy += partDy;
            sumDyXhat += partDyXhat;
        }
        return (sumDy, sumDyXhat);
    }

    /// <summary>
    /// Per segment: dx (+)= k·dy − shift − x̂·slope with x̂ = (x − mean)·rstd (training: shift = k·Σdy/n, slope = k·Σdy·xhat/n; inference: both
    /// 0). With <paramref name="accumulate"/> false dx is overwritten (a fresh gradient buffer needs no zero-fill).
    /// </summary>
    public static void InputGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx, int b, int c, int s, int ch,
        float mean, float rstd, float k, float shift, float slope, bool accumulate, ReadOnlySpan<float> reluOutput = default)
    {
        bool masked = !reluOutput.IsEmpty;
        for (int bi = 0; bi < b; bi++)
        {
            int off = (bi * c + ch) * s;
            ref float gr = ref MemoryMarshal.GetReference(dy.Slice(off, s));
            ref float xr = ref MemoryMarshal.GetReference(x.Slice(off, s));
            ref float dr = ref MemoryMarshal.GetReference(dx.Slice(off, s));
            ref float yr = ref masked ? ref MemoryMarshal.GetReference(reluOutput.Slice(off, s)) : ref gr;
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> kv = Vector512.Create(k), sv = Vector512.Create(shift), lv = Vector512.Create(slope);
                Vector512<float> mv = Vector512.Create(mean), rv = Vector512.Create(rstd);
                for (; i <= s - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                    if (masked) g = Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.LoadUnsafe(ref yr, (nuint)i), Vector512<float>.Zero), g, Vector512<float>.Zero);
                    var t = Vector512.FusedMultiplyAdd(kv, g, -sv);
                    t = Vector512.FusedMultiplyAdd(-lv, (Vector512.LoadUnsafe(ref xr, (nuint)i) - mv) * rv, t);
                    if (accumulate) t += Vector512.LoadUnsafe(ref dr, (nuint)i);
                    t.StoreUnsafe(ref dr, (nuint)i);
                }
            }
            for (; i < s; i++)
            {
                float g = masked && !(Unsafe.Add(ref yr, i) > 0f) ? 0f : Unsafe.Add(ref gr, i);
                float t = MathF.FusedMultiplyAdd(-slope, (Unsafe.Add(ref xr, i) - mean) * rstd, MathF.FusedMultiplyAdd(k, g, -shift));
                Unsafe.Add(ref dr, i) = accumulate ? Unsafe.Add(ref dr, i) + t : t;
            }
        }
    }
}
