namespace MlNetDeep.Trainers;

/// <summary>One training run's learning rates: asked before every mini-batch, told the validation value after every epoch.</summary>
internal abstract class LearningRateRun
{
    /// <summary>The rate for mini-batch <paramref name="step"/> (0-based) of epoch <paramref name="epoch"/> (1-based); ≥ 0.</summary>
    public abstract float Rate(int epoch, int step);

    /// <summary>Takes the validation value of the epoch just finished (null without validation).</summary>
    /// <returns>A log line when the rate changes because of it, else null.</returns>
    public virtual string? EpochEnded(int epoch, double? validationValue) => null;

    /// <summary>The run's mutable state, for checkpoints (empty when the rate depends only on the position).</summary>
    public virtual double[] SaveState() => [];

    /// <summary>Restores <see cref="SaveState"/>'s values.</summary>
    public virtual void LoadState(double[] state)
    {
        if (state.Length != 0) throw new InvalidDataException($"The checkpoint holds {state.Length} schedule values; this schedule keeps none.");
    }
}

/// <summary>A run whose rate depends only on the position in training.</summary>
internal sealed class PositionalRun(Func<int, int, float> rate) : LearningRateRun
{
    /// <inheritdoc/>
    public override float Rate(int epoch, int step) => rate(epoch, step);
}
