using System.Numerics.Tensors;

namespace MlNetDeep.Engine.Optimizers;

/// <summary>Updates parameters from their accumulated gradients.</summary>
internal abstract class Optimizer
{
    /// <summary>Creates the optimiser over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">Trainable tensors (each must own a gradient buffer).</param>
    /// <param name="learningRate">Step size, positive.</param>
    protected Optimizer(IEnumerable<Tensor> parameters, float learningRate)
    {
        Parameters = parameters.ToArray();
        foreach (var p in Parameters)
            if (p.Grad is null) throw new ArgumentException($"Parameter {p} has no gradient buffer.", nameof(parameters));
        LearningRate = learningRate;
    }

    /// <summary>The tensors this optimiser updates.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Step size; may be changed between steps (schedules, which may reach 0).</summary>
    public float LearningRate
    {
        get;
        set => field = float.IsFinite(value) && value >= 0f ? value : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "Learning rate must be finite and ≥ 0.");
    }

    /// <summary>
    /// Decoupled weight decay λ (Loshchilov &amp; Hutter, PyTorch's AdamW): every step first shrinks each parameter,
    /// p ← p·(1 − lr·λ), then applies the optimiser's update; 0 turns it off. Applied to every parameter, as PyTorch does
    /// by default. With SGD without momentum this equals L2 regularisation of strength λ.
    /// </summary>
    public float WeightDecay
    {
        get;
        set => field = float.IsFinite(value) && value >= 0f ? value : throw new ArgumentOutOfRangeException(nameof(WeightDecay), value, "Weight decay must be finite and ≥ 0.");
    }

    /// <summary>Shrinks <paramref name="parameter"/> by 1 − lr·λ (nothing when λ = 0).</summary>
    protected void Decay(Span<float> parameter)
    {
        if (WeightDecay > 0f) TensorPrimitives.Multiply(parameter, 1f - LearningRate * WeightDecay, parameter);
    }

    /// <summary>Steps taken so far, for optimisers whose update depends on it (Adam's bias correction; SGD keeps 0); restored from checkpoints.</summary>
    public virtual long StepCount { get; set; }

    /// <summary>
    /// The optimiser's per-parameter state (Adam: first then second moments; SGD: velocities, none without momentum), in
    /// parameter order; a checkpoint copies these arrays out and back in place.
    /// </summary>
    public virtual IReadOnlyList<float[]> StateArrays => [];

    /// <summary>Applies one update from the current gradients.</summary>
    public abstract void Step();

    /// <summary>Sets every parameter's gradient to zero (call before each backward).</summary>
    public void ZeroGrad() => Parameter.ZeroGrad(Parameters);
}
