using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetDeep.Engine.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba), PyTorch's form: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
/// p ← p − lr·m̂ / (√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
/// </summary>
internal sealed class Adam : Optimizer
{
    private readonly float[][] _m, _v;
    private int _t;

    /// <inheritdoc/>
    public override long StepCount { get => _t; set => _t = checked((int)value); }

    /// <inheritdoc/>
    public override IReadOnlyList<float[]> StateArrays => [.. _m, .. _v];

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

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"Adam(lr {LearningRate:R}, β {Beta1:R}/{Beta2:R}, ε {Epsilon:R}, weight decay {WeightDecay:R})");

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
            Decay(Parameters[i].Span);
            Update(Parameters[i].Span, Parameters[i].Grad!.Span, _m[i], _v[i], Beta1, Beta2, stepSize, sqrtC2, Epsilon);
        }
    }

    /// <summary>
    /// The fused update of one parameter: one pass over p, g, m, v (vectorised; the vector and scalar parts perform
    /// the same IEEE operations in the same order, so results do not depend on the vector width).
    /// </summary>
    internal static void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float beta1, float beta2, float stepSize, float sqrtC2, float epsilon)
    {
        int n = p.Length, j = 0;
        float b1c = 1f - beta1, b2c = 1f - beta2;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            ref float rp = ref MemoryMarshal.GetReference(p);
            ref float rg = ref MemoryMarshal.GetReference(g);
            ref float rm = ref MemoryMarshal.GetReference(m);
            ref float rv = ref MemoryMarshal.GetReference(v);
            var vb1 = Vector512.Create(beta1); var vb1c = Vector512.Create(b1c);
            var vb2 = Vector512.Create(beta2); var vb2c = Vector512.Create(b2c);
            var vStep = Vector512.Create(stepSize); var vSqrtC2 = Vector512.Create(sqrtC2); var vEps = Vector512.Create(epsilon);
            for (; j <= n - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                nuint o = (nuint)j;
                var gj = Vector512.LoadUnsafe(ref rg, o);
                var mj = vb1 * Vector512.LoadUnsafe(ref rm, o) + vb1c * gj;
                var vj = vb2 * Vector512.LoadUnsafe(ref rv, o) + vb2c * gj * gj;
                mj.StoreUnsafe(ref rm, o);
                vj.StoreUnsafe(ref rv, o);
                var pj = Vector512.LoadUnsafe(ref rp, o) - vStep * mj / (Vector512.Sqrt(vj) / vSqrtC2 + vEps);
                pj.StoreUnsafe(ref rp, o);
            }
        }
        for (; j < n; j++)
        {
            float gj = g[j];
            m[j] = beta1 * m[j] + b1c * gj;
            v[j] = beta2 * v[j] + b2c * gj * gj;
            // lr·m̂/(√v̂+ε) = (lr/c1)·m / (√v/√c2 + ε)
            p[j] -= stepSize * m[j] / (MathF.Sqrt(v[j]) / sqrtC2 + epsilon);
        }
    }
}
