using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>
/// How the learning rate changes during training, as a multiple of the trainer's <c>LearningRate</c> (the base rate).
/// Create one with a factory method and set it as the trainer option <c>LearningRateSchedule</c>; null keeps the rate
/// constant. The rate in use is in every <see cref="EpochReport"/>. Each schedule gives the same rates as its PyTorch
/// counterpart (named on each method; tested against PyTorch 1.13).
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>Only MlNetDeep's own schedules derive from this class.</summary>
    private protected LearningRateSchedule()
    {
    }

    /// <summary>
    /// Multiplies the rate by <paramref name="factor"/> every <paramref name="everyEpochs"/> epochs: epoch e (1-based)
    /// uses base · factor^⌊(e − 1) / everyEpochs⌋ (PyTorch StepLR stepped once per epoch).
    /// </summary>
    /// <param name="everyEpochs">Epochs between two decays (≥ 1).</param>
    /// <param name="factor">Multiplier in (0, 1]. <value>Default 0.1.</value></param>
    public static LearningRateSchedule Step(int everyEpochs, float factor = 0.1f)
    {
        if (everyEpochs < 1) throw new ArgumentOutOfRangeException(nameof(everyEpochs), everyEpochs, "everyEpochs must be at least 1.");
        CheckFactor(factor, nameof(factor));
        return new StepSchedule(everyEpochs, factor);
    }

    /// <summary>Multiplies the rate by <paramref name="factor"/> after every epoch: epoch e uses base · factor^(e − 1) (PyTorch ExponentialLR).</summary>
    /// <param name="factor">Multiplier in (0, 1].</param>
    public static LearningRateSchedule Exponential(float factor)
    {
        CheckFactor(factor, nameof(factor));
        return new StepSchedule(1, factor);
    }

    /// <summary>
    /// Cosine annealing per mini-batch, after an optional linear warm-up. Over the first W = warmupEpochs · S steps
    /// (S mini-batches per epoch) step t uses base · (t + 1) / W; the remaining steps go from base down to
    /// <paramref name="minimumLearningRate"/> along half a cosine: min + (base − min)(1 + cos(π·u / U)) / 2 for step u of U
    /// (PyTorch LinearLR then CosineAnnealingLR with T_max = U, both stepped per mini-batch).
    /// </summary>
    /// <param name="warmupEpochs">Epochs of linear warm-up (≥ 0, fewer than NumberOfEpochs). <value>Default 0.</value></param>
    /// <param name="minimumLearningRate">Rate the cosine ends at (≥ 0, below the base rate). <value>Default 0.</value></param>
    public static LearningRateSchedule Cosine(int warmupEpochs = 0, float minimumLearningRate = 0f)
    {
        if (warmupEpochs < 0) throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, "warmupEpochs must be ≥ 0.");
        CheckMinimum(minimumLearningRate, nameof(minimumLearningRate));
        return new CosineSchedule(warmupEpochs, minimumLearningRate);
    }

    /// <summary>
    /// The one-cycle policy per mini-batch, with the base rate as the peak (PyTorch OneCycleLR with max_lr = base,
    /// anneal_strategy "cos", three_phase false; momentum is not cycled): from base / <paramref name="initialDivisor"/> up
    /// to base over the first <paramref name="warmupFraction"/> of all steps, then down to
    /// base / (<paramref name="initialDivisor"/> · <paramref name="finalDivisor"/>), both along half a cosine.
    /// </summary>
    /// <param name="warmupFraction">Share of the steps spent rising, in (0, 1). <value>Default 0.3.</value></param>
    /// <param name="initialDivisor">Base rate / starting rate (&gt; 1). <value>Default 25.</value></param>
    /// <param name="finalDivisor">Starting rate / final rate (&gt; 1). <value>Default 1e4.</value></param>
    public static LearningRateSchedule OneCycle(float warmupFraction = 0.3f, float initialDivisor = 25f, float finalDivisor = 1e4f)
    {
        if (!(warmupFraction > 0 && warmupFraction < 1)) throw new ArgumentOutOfRangeException(nameof(warmupFraction), warmupFraction, "warmupFraction must lie in (0, 1).");
        if (!(float.IsFinite(initialDivisor) && initialDivisor > 1)) throw new ArgumentOutOfRangeException(nameof(initialDivisor), initialDivisor, "initialDivisor must be a finite number above 1.");
        if (!(float.IsFinite(finalDivisor) && finalDivisor > 1)) throw new ArgumentOutOfRangeException(nameof(finalDivisor), finalDivisor, "finalDivisor must be a finite number above 1.");
        return new OneCycleSchedule(warmupFraction, initialDivisor, finalDivisor);
    }

    /// <summary>
    /// Multiplies the rate by <paramref name="factor"/> when the validation value early stopping watches (validation loss,
    /// or the metric an estimator lets you choose) has not improved by more than a relative 1e-4 for
    /// <paramref name="patience"/> epochs; never below <paramref name="minimumLearningRate"/> (PyTorch ReduceLROnPlateau
    /// with threshold 1e-4 "rel", cooldown 0). Needs a ValidationSet. Keep the patience below EarlyStoppingPatience, or
    /// early stopping ends the training first.
    /// </summary>
    /// <param name="factor">Multiplier in (0, 1). <value>Default 0.1.</value></param>
    /// <param name="patience">Epochs without improvement before a reduction (≥ 1). <value>Default 2.</value></param>
    /// <param name="minimumLearningRate">Lower bound (≥ 0). <value>Default 0.</value></param>
    public static LearningRateSchedule ReduceOnPlateau(float factor = 0.1f, int patience = 2, float minimumLearningRate = 0f)
    {
        if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must lie in (0, 1).");
        if (patience < 1) throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be at least 1.");
        CheckMinimum(minimumLearningRate, nameof(minimumLearningRate));
        return new PlateauSchedule(factor, patience, minimumLearningRate);
    }

    /// <summary>Whether the rates depend on NumberOfEpochs (a resumed run must then keep it).</summary>
    internal virtual bool DependsOnNumberOfEpochs => false;

    /// <summary>Whether the schedule reads the validation value after each epoch (it then needs a validation set).</summary>
    internal virtual bool NeedsValidation => false;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="option"/> when the schedule does not fit the
    /// other options (checked when the trainer is created).
    /// </summary>
    /// <param name="option">Name of the option that holds the schedule.</param>
    /// <param name="baseRate">The trainer's LearningRate.</param>
    /// <param name="numberOfEpochs">The trainer's NumberOfEpochs.</param>
    internal virtual void Check(string option, float baseRate, int numberOfEpochs)
    {
    }

    /// <summary>Starts one training run (the schedule object itself holds no state, so options can be reused).</summary>
    internal abstract LearningRateRun Start(ScheduleContext context);

    private static void CheckFactor(float factor, string name)
    {
        if (!(factor > 0 && factor <= 1)) throw new ArgumentOutOfRangeException(name, factor, $"{name} must lie in (0, 1].");
    }

    private static void CheckMinimum(float minimum, string name)
    {
        if (!(float.IsFinite(minimum) && minimum >= 0)) throw new ArgumentOutOfRangeException(name, minimum, $"{name} must be a finite number ≥ 0.");
    }
}
