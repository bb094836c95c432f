namespace MlNetDeep.Trainers;

/// <summary>base · factor^⌊(epoch − 1) / every⌋: PyTorch StepLR (every = 1 is ExponentialLR).</summary>
internal sealed class StepSchedule(int every, float factor) : LearningRateSchedule
{
    internal override LearningRateRun Start(ScheduleContext context) =>
        new PositionalRun((epoch, _) => (float)(context.BaseRate * Math.Pow(factor, (epoch - 1) / every)));

    /// <inheritdoc/>
    public override string ToString() => every == 1 ? $"exponential (×{factor} per epoch)" : $"step (×{factor} every {every} epochs)";
}
