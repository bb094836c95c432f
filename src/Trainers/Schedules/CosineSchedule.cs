namespace MlNetDeep.Trainers;

/// <summary>Linear warm-up over whole epochs, then cosine annealing to a minimum, per mini-batch.</summary>
internal sealed class CosineSchedule(int warmupEpochs, float minimum) : LearningRateSchedule
{
    internal override void Check(string option, float baseRate, int numberOfEpochs)
    {
        if (warmupEpochs >= numberOfEpochs)
            throw new ArgumentOutOfRangeException(option, warmupEpochs, $"{option}: the cosine schedule's {warmupEpochs} warm-up epochs leave no epoch to anneal in (NumberOfEpochs = {numberOfEpochs}).");
        if (minimum >= baseRate)
            throw new ArgumentOutOfRangeException(option, minimum, $"{option}: the cosine schedule's minimum learning rate {minimum} must be below LearningRate = {baseRate}.");
    }

    internal override bool DependsOnNumberOfEpochs => true;

    internal override LearningRateRun Start(ScheduleContext context)
    {
        long warmup = (long)warmupEpochs * context.StepsPerEpoch, annealed = context.TotalSteps - warmup;
        double b = context.BaseRate;
        return new PositionalRun((epoch, step) =>
        {
            long t = context.GlobalStep(epoch, step);
            if (t < warmup) return (float)(b * (t + 1) / warmup);
            double u = Math.Min(t - warmup, annealed);
            return (float)(minimum + (b - minimum) * (1 + Math.Cos(Math.PI * u / annealed)) / 2);
        });
    }

    /// <inheritdoc/>
    public override string ToString() => $"cosine ({warmupEpochs} warm-up epochs, minimum {minimum})";
}
