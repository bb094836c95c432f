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
            for (int j = 0; j < p.Length; j++)
            {
                float gj = g[j];
                m[j] = Beta1 * m[j] + (1f - Beta1) * gj;
                v[j] = Beta2 * v[j] + (1f - Beta2) * gj * gj;
                // lr·m̂/(√v̂+ε) = (lr/c1)·m / (√v/√c2 + ε)
                p[j] -= stepSize * m[j] / (MathF.Sqrt(v[j]) / sqrtC2 + Epsilon);
            }
        }
    }
}
