using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Trainers;

/// <summary>
/// What both epoch loops do for the learning rate: set the optimiser's rate from the schedule before every mini-batch, and
/// pass the validation value to the schedule after every epoch (logging a change it makes).
/// </summary>
internal sealed class ScheduledRate
{
    private readonly Optimizer _optimizer;
    private readonly LearningRateRun _run;
    private readonly Action<string>? _log;

    /// <summary>Starts the schedule of <paramref name="settings"/> (constant when none) for one run.</summary>
    /// <param name="optimizer">Optimiser created with the base rate.</param>
    /// <param name="settings">Loop settings.</param>
    /// <param name="rows">Training rows per epoch (to count the mini-batches of an epoch).</param>
    /// <param name="higherIsBetter">Whether the validation value passed to <see cref="EpochEnded"/> improves upwards.</param>
    public ScheduledRate(Optimizer optimizer, TrainingSettings settings, long rows, bool higherIsBetter)
    {
        _optimizer = optimizer;
        _log = settings.Log;
        int steps = (int)Math.Max(1, (rows + settings.BatchSize - 1) / settings.BatchSize);
        float baseRate = optimizer.LearningRate;
        _run = settings.LearningRateSchedule?.Start(new ScheduleContext(baseRate, settings.NumberOfEpochs, steps, higherIsBetter))
            ?? new PositionalRun((_, _) => baseRate);
        if (settings.LearningRateSchedule is { } schedule) _log?.Invoke($"learning rate {baseRate:G4}, schedule {schedule}");
    }

    /// <summary>Sets the rate of mini-batch <paramref name="step"/> (0-based) of epoch <paramref name="epoch"/> (1-based).</summary>
    public void BeforeStep(int epoch, int step) => _optimizer.LearningRate = _run.Rate(epoch, step);

    /// <summary>The rate of the last mini-batch.</summary>
    public float Current => _optimizer.LearningRate;

    /// <summary>The schedule's state, for checkpoints.</summary>
    public double[] SaveState() => _run.SaveState();

    /// <summary>Restores <see cref="SaveState"/>'s values.</summary>
    public void LoadState(double[] state) => _run.LoadState(state);

    /// <summary>Tells the schedule the validation value of epoch <paramref name="epoch"/> (null without validation).</summary>
    public void EpochEnded(int epoch, double? validationValue)
    {
        if (_run.EpochEnded(epoch, validationValue) is { } line) _log?.Invoke(line);
    }
}
