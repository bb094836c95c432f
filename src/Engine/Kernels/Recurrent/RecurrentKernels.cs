using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Fused element-wise work of one recurrent cell row (one sequence at one step): a single pass over the gate
/// pre-activations and states, 16 lanes at a time when AVX-512 is available, scalar for the remainder.
/// The scalar remainder performs the same operations, so results depend only on the hidden size.
/// </summary>
internal static class RecurrentKernels
{
    /// <summary>
    /// LSTM forward: <paramref name="gates"/> (4H, blocks i, o, f, c) holds the pre-activations on entry and the
    /// activations σ(i), σ(o), σ(f), tanh(c̃) on return; c_t = f ⊙ c_{t−1} + i ⊙ c̃, tanh(c_t), h_t = o ⊙ tanh(c_t).
    /// </summary>
    public static void LstmForward(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> cNext, Span<float> tanhC,
        Span<float> hNext, int h)
    {
        ref float g = ref MemoryMarshal.GetReference(gates);
        ref float cp = ref MemoryMarshal.GetReference(cPrev);
        ref float cn = ref MemoryMarshal.GetReference(cNext);
        ref float tc = ref MemoryMarshal.GetReference(tanhC);
        ref float hn = ref MemoryMarshal.GetReference(hNext);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 16 <= h; j += 16)
            {
                nuint o = (nuint)j;
                var ig = Sigmoid(Vector512.LoadUnsafe(ref g, o));
                var og = Sigmoid(Vector512.LoadUnsafe(ref g, o + (nuint)h));
                var fg = Sigmoid(Vector512.LoadUnsafe(ref g, o + (nuint)(2 * h)));
                var cg = Tanh(Vector512.LoadUnsafe(ref g, o + (nuint)(3 * h)));
                ig.StoreUnsafe(ref g, o);
                og.StoreUnsafe(ref g, o + (nuint)h);
                fg.StoreUnsafe(ref g, o + (nuint)(2 * h));
                cg.StoreUnsafe(ref g, o + (nuint)(3 * h));
                var c = fg * Vector512.LoadUnsafe(ref cp, o) + ig * cg;
                c.StoreUnsafe(ref cn, o);
                var t = Tanh(c);
                t.StoreUnsafe(ref tc, o);
                (og * t).StoreUnsafe(ref hn, o);
            }
        }
        for (; j < h; j++)
        {
            float ig = Sigmoid(Unsafe.Add(ref g, j));
            float og = Sigmoid(Unsafe.Add(ref g, h + j));
            float fg = Sigmoid(Unsafe.Add(ref g, 2 * h + j));
            float cg = MathF.Tanh(Unsafe.Add(ref g, 3 * h + j));
            Unsafe.Add(ref g, j) = ig;
            Unsafe.Add(ref g, h + j) = og;
            Unsafe.Add(ref g, 2 * h + j) = fg;
            Unsafe.Add(ref g, 3 * h + j) = cg;
            float c = fg * Unsafe.Add(ref cp, j) + ig * cg;
            Unsafe.Add(ref cn, j) = c;
            float t = MathF.Tanh(c);
            Unsafe.Add(ref tc, j) = t;
            Unsafe.Add(ref hn, j) = og * t;
        }
    }

    /// <summary>
    /// LSTM backward of one row: from dh_t (<paramref name="dh"/>) and dc_t (<paramref name="dc"/>, replaced by
    /// dc_{t−1}) writes the pre-activation gradients (4H) to <paramref name="dGates"/>.
    /// </summary>
    public static void LstmBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates, int h)
    {
        ref float g = ref MemoryMarshal.GetReference(gates);
        ref float tcr = ref MemoryMarshal.GetReference(tanhC);
        ref float cpr = ref MemoryMarshal.GetReference(cPrev);
        ref float dhr = ref MemoryMarshal.GetReference(dh);
        ref float dcr = ref MemoryMarshal.GetReference(dc);
        ref float gx = ref MemoryMarshal.GetReference(dGates);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var one = Vector512<float>.One;
            for (; j + 16 <= h; j += 16)
            {
                nuint o = (nuint)j, oo = o + (nuint)h, of = o + (nuint)(2 * h), oc = o + (nuint)(3 * h);
                var ig = Vector512.LoadUnsafe(ref g, o);
                var og = Vector512.LoadUnsafe(ref g, oo);
                var fg = Vector512.LoadUnsafe(ref g, of);
                var cg = Vector512.LoadUnsafe(ref g, oc);
                var tcj = Vector512.LoadUnsafe(ref tcr, o);
                var dhj = Vector512.LoadUnsafe(ref dhr, o);
                var dcj = Vector512.LoadUnsafe(ref dcr, o) + dhj * og * (one - tcj * tcj);
                (dcj * cg * ig * (one - ig)).StoreUnsafe(ref gx, o);
                (dhj * tcj * og * (one - og)).StoreUnsafe(ref gx, oo);
                (dcj * Vector512.LoadUnsafe(ref cpr, o) * fg * (one - fg)).StoreUnsafe(ref gx, of);
                (dcj * ig * (one - cg * cg)).StoreUnsafe(ref gx, oc);
                (dcj * fg).StoreUnsafe(ref dcr, o);
            }
        }
        for (; j < h; j++)
        {
            float ig = Unsafe.Add(ref g, j), og = Unsafe.Add(ref g, h + j), fg = Unsafe.Add(ref g, 2 * h + j), cg = Unsafe.Add(ref g, 3 * h + j);
            float tcj = Unsafe.Add(ref tcr, j), dhj = Unsafe.Add(ref dhr, j);
            float dcj = Unsafe.Add(ref dcr, j) + dhj * og * (1f - tcj * tcj);
            Unsafe.Add(ref gx, j) = dcj * cg * ig * (1f - ig);
            Unsafe.Add(ref gx, h + j) = dhj * tcj * og * (1f - og);
            Unsafe.Add(ref gx, 2 * h + j) = dcj * Unsafe.Add(ref cpr, j) * fg * (1f - fg);
            Unsafe.Add(ref gx, 3 * h + j) = dcj * ig * (1f - cg * cg);
            Unsafe.Add(ref dcr, j) = dcj * fg;
        }
    }

    /// <summary>σ(x) = 1 / (1 + e^(−x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

    /// <summary>
    /// e^x in single precision (Cephes expf: x = n·ln 2 + r, |r| ≤ ln 2 / 2, degree-6 polynomial, 2ⁿ from the exponent
    /// bits; within 2 ulp). x is clamped to [−87, 88], where e^x stays a normal float. About twice as fast as
    /// <see cref="Vector512.Exp(Vector512{float})"/>, which evaluates in double precision.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-87f)), Vector512.Create(88f));
        var n = Vector512.Round(x * Vector512.Create(1.44269504088896341f));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        var y = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var scale = (Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23;
        return y * scale.AsSingle();
    }

    /// <summary>tanh(x) = sign(x)·(1 − e^(−2|x|)) / (1 + e^(−2|x|)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Tanh(Vector512<float> x)
    {
        var a = Vector512.Abs(x);
        var e = Exp(-(a + a));
        var t = (Vector512<float>.One - e) / (Vector512<float>.One + e);
        return Vector512.CopySign(t, x);
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
