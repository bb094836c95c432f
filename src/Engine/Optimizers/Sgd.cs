using System.Numerics.Tensors;

namespace MlNetDeep.Engine.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum (PyTorch form): v ← μ·v + g; p ← p − lr·v.
/// With μ = 0 this is plain p ← p − lr·g.
/// </summary>
internal sealed class Sgd : Optimizer
{
    private readonly float[][]? _velocity;

    /// <summary>Creates the optimiser.</summary>
    /// <param name="parameters">Trainable tensors.</param>
    /// <param name="learningRate">Step size.</param>
    /// <param name="momentum">μ in [0, 1).</param>
    public Sgd(IEnumerable<Tensor> parameters, float learningRate, float momentum = 0f) : base(parameters, learningRate)
    {
        if (!(momentum >= 0f && momentum < 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must lie in [0, 1).");
        Momentum = momentum;
        if (momentum > 0f) _velocity = Parameters.Select(p => new float[p.Length]).ToArray();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<float[]> StateArrays => _velocity ?? [];

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"SGD(lr {LearningRate:R}, momentum {Momentum:R}, weight decay {WeightDecay:R})");

    /// <summary>μ</summary>
    public float Momentum { get; }

    /// <inheritdoc/>
    public override void Step()
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i].Span;
            var g = Parameters[i].Grad!.Span;
            Decay(p);
            if (_velocity is null)
            {
                TensorPrimitives.MultiplyAdd(g, -LearningRate, p, p);
                continue;
            }
            var v = _velocity[i].AsSpan();
            TensorPrimitives.MultiplyAdd(v, Momentum, g, v);
            TensorPrimitives.MultiplyAdd(v, -LearningRate, p, p);
        }
    }
}
