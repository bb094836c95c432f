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

    /// <summary>Step size; may be changed between steps (schedules).</summary>
    public float LearningRate
    {
        get;
        set => field = float.IsFinite(value) && value > 0f ? value : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "Learning rate must be positive and finite.");
    }

    /// <summary>Applies one update from the current gradients.</summary>
    public abstract void Step();

    /// <summary>Sets every parameter's gradient to zero (call before each backward).</summary>
    public void ZeroGrad() => Parameter.ZeroGrad(Parameters);
}
