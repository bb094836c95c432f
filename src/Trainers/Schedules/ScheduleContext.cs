namespace MlNetDeep.Trainers;

/// <summary>What a schedule needs to know about the training run it drives.</summary>
/// <param name="BaseRate">The trainer's LearningRate.</param>
/// <param name="NumberOfEpochs">Epochs requested (early stopping may end the run sooner).</param>
/// <param name="StepsPerEpoch">Mini-batches per epoch (≥ 1).</param>
/// <param name="HigherIsBetter">Whether a larger validation value is an improvement (accuracy) or a smaller one (loss).</param>
internal sealed record ScheduleContext(float BaseRate, int NumberOfEpochs, int StepsPerEpoch, bool HigherIsBetter)
{
    /// <summary>All mini-batches of the run.</summary>
    public long TotalSteps => (long)NumberOfEpochs * StepsPerEpoch;

    /// <summary>Global 0-based index of mini-batch <paramref name="step"/> (0-based) of epoch <paramref name="epoch"/> (1-based).</summary>
    public long GlobalStep(int epoch, int step) => (long)(epoch - 1) * StepsPerEpoch + step;
}
