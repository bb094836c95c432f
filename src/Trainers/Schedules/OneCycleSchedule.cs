namespace MlNetDeep.Trainers;

/// <summary>
/// PyTorch's OneCycleLR (two phases, cosine annealing): phase 1 ends at step ⌊fraction·T⌋ − 1 (as a float, like PyTorch),
/// phase 2 at step T − 1; within a phase, rate = end + (start − end)(1 + cos(π·p)) / 2 with p the phase's progress.
/// </summary>
internal sealed class OneCycleSchedule(float warmupFraction, float initialDivisor, float finalDivisor) : LearningRateSchedule
{
    internal override bool DependsOnNumberOfEpochs => true;

    internal override LearningRateRun Start(ScheduleContext context)
    {
        double peak = context.BaseRate, initial = peak / initialDivisor, final = initial / finalDivisor;
        double total = context.TotalSteps, phaseEnd = (double)warmupFraction * total - 1;
        return new PositionalRun((epoch, step) =>
        {
            double t = Math.Min(context.GlobalStep(epoch, step), total - 1);
            // A warm-up shorter than one step (fraction·T ≤ 1) has no first phase; PyTorch divides by zero there.
            return t <= phaseEnd && phaseEnd > 0
                ? Anneal(initial, peak, t / phaseEnd)
                : Anneal(peak, final, (t - phaseEnd) / (total - 1 - phaseEnd));
        });
    }

    private static float Anneal(double start, double end, double progress) =>
        (float)(end + (start - end) / 2 * (Math.Cos(Math.PI * progress) + 1));

    /// <inheritdoc/>
    public override string ToString() => $"one-cycle (warm-up {warmupFraction:P0}, ÷{initialDivisor} then ÷{finalDivisor})";
}
