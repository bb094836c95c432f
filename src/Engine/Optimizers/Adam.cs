using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetDeep.Engine.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba), PyTorch's form: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
/// p ← p − lr·m̂ / (√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly float[][] _m, _v;
    private int _t;

    /// <summary>Creates the optimiser.</summary>
    /// <param name="parameters">Trainable tensors.</param>
    /// <param name="learningRate">Step size (1e-3 is the usual default).</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    public Adam(IEnumerable<Tensor> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(parameters, learningRate)
    {
        if (!(beta1 >= 0f && beta1 < 1f)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "Must lie in [0, 1).");
        if (!(beta2 >= 0f && beta2 < 1f)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "Must lie in [0, 1).");
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Must be positive.");
        Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon;
        _m = Parameters.Select(p => new float[p.Length]).ToArray();
        _v = Parameters.Select(p => new float[p.Length]).ToArray();
    }

    /// <summary>β₁</summary>
    public float Beta1 { get; }

    /// <summary>β₂</summary>
    public float Beta2 { get; }

    /// <summary>ε</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override void Step()
    {
        _t++;
        float c1 = 1f - MathF.Pow(Beta1, _t), c2 = 1f - MathF.Pow(Beta2, _t);
        float stepSize = LearningRate / c1;
        float sqrtC2 = MathF.Sqrt(c2);
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i].Span;
            var g = Parameters[i].Grad!.Span;
            var m = _m[i].AsSpan(); var v = _v[i].AsSpan();
            Update(p, g, m, v, Beta1, Beta2, stepSize, sqrtC2, Epsilon);
        }
    }

    /// <summary>
    /// One Adam update of a parameter tensor; lanes of 16 with the scalar loop's exact operation order (no fused
    /// multiply-add), so vector and scalar elements round identically.
    /// </summary>
    internal static void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float beta1, float beta2, float stepSize, float sqrtC2, float epsilon)
    {
        int j = 0, n = p.Length;
        if (g.Length < n || m.Length < n || v.Length < n) throw new ArgumentException("Buffers are shorter than the parameter.");
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> b1 = Vector512.Create(beta1), b2 = Vector512.Create(beta2);
            Vector512<float> c1 = Vector512.Create(1f - beta1), c2 = Vector512.Create(1f - beta2);
            Vector512<float> step = Vector512.Create(stepSize), root = Vector512.Create(sqrtC2), eps = Vector512.Create(epsilon);
            ref float pr = ref MemoryMarshal.GetReference(p);
            ref float gr = ref MemoryMarshal.GetReference(g);
            ref float mr = ref MemoryMarshal.GetReference(m);
            ref float vr = ref MemoryMarshal.GetReference(v);
            for (; j <= n - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                var gj = Vector512.LoadUnsafe(ref gr, (nuint)j);
                var mj = b1 * Vector512.LoadUnsafe(ref mr, (nuint)j) + c1 * gj;
                var vj = b2 * Vector512.LoadUnsafe(ref vr, (nuint)j) + c2 * gj * gj;
                mj.StoreUnsafe(ref mr, (nuint)j);
                vj.StoreUnsafe(ref vr, (nuint)j);
                var pj = Vector512.LoadUnsafe(ref pr, (nuint)j) - step * mj / (Vector512.Sqrt(vj) / root + eps);
                pj.StoreUnsafe(ref pr, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            float gj = g[j];
            m[j] = beta1 * m[j] + (1f - beta1) * gj;
            v[j] = beta2 * v[j] + (1f - beta2) * gj * gj;
            // lr·m̂/(√v̂+ε) = (lr/c1)·m / (√v/√c2 + ε)
            p[j] -= stepSize * m[j] / (MathF.Sqrt(v[j]) / sqrtC2 + epsilon);
        }
    }
}
