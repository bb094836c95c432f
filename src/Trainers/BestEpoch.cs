using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Trainers;

/// <summary>
/// What both epoch loops do after each epoch: track the best validation value (with early stopping, a snapshot of its
/// weights), report the epoch (log and progress), decide when patience has run out, and restore the best weights at the end.
/// </summary>
internal sealed class BestEpoch(TrainingSettings settings)
{
    private ModuleSnapshot? _best;
    private double _bestValue = double.NegativeInfinity;
    private int _sinceBest;

    /// <summary>The epoch whose weights are kept (the last one that ran when there is no validation data).</summary>
    public int Epoch { get; private set; } = settings.NumberOfEpochs;

    /// <summary>Epoch reports so far.</summary>
    public List<EpochReport> History { get; } = [];

    /// <summary>What a checkpoint keeps of this tracker (the history travels separately).</summary>
    public BestEpochState Save() => new(_bestValue, _sinceBest, Epoch, _best?.Values);

    /// <summary>Restores a checkpoint's state and history.</summary>
    public void Load(BestEpochState state, IEnumerable<EpochReport> history)
    {
        (_bestValue, _sinceBest, Epoch) = (state.BestValue, state.SinceBest, state.Epoch);
        _best = state.BestWeights is { } weights ? ModuleSnapshot.FromValues([.. weights]) : null;
        History.Clear();
        History.AddRange(history);
    }

    /// <summary>Records epoch <paramref name="epoch"/>'s validation value (larger is better; null without validation data).</summary>
    /// <returns>True when this epoch is the best so far.</returns>
    public bool Observe(Module network, int epoch, double? value)
    {
        if (value is not double v)
        {
            Epoch = epoch;
            return true;
        }
        if (!(v > _bestValue))
        {
            _sinceBest++;
            return false;
        }
        _bestValue = v;
        Epoch = epoch;
        _sinceBest = 0;
        if (settings.EarlyStoppingPatience is not null) _best = ModuleSnapshot.Capture(network);
        return true;
    }

    /// <summary>Adds the report to the history, the log and the progress receiver.</summary>
    public void Report(EpochReport report)
    {
        History.Add(report);
        settings.Log?.Invoke(report.ToString());
        settings.Progress?.Report(report);
    }

    /// <summary>True (and logged) when early stopping's patience has run out after <paramref name="epoch"/>.</summary>
    /// <param name="epoch">Epoch just finished.</param>
    /// <param name="criterion">What did not improve, for the log ("validation loss").</param>
    public bool ShouldStop(int epoch, string criterion)
    {
        if (settings.EarlyStoppingPatience is not int patience || _sinceBest < patience) return false;
        settings.Log?.Invoke($"early stopping after epoch {epoch}: no better {criterion} for {patience} epochs; keeping epoch {Epoch}");
        return true;
    }

    /// <summary>Restores the best epoch's weights (when early stopping captured them) and returns the result.</summary>
    public TrainingResult Finish(Module network)
    {
        _best?.Restore(network);
        network.SetTraining(false);
        return new TrainingResult(network, History, Epoch);
    }
}

/// <summary>The early-stopping tracker's state in a checkpoint.</summary>
/// <param name="BestValue">Best validation value so far (larger is better; −∞ before the first).</param>
/// <param name="SinceBest">Epochs since it improved.</param>
/// <param name="Epoch">Epoch whose weights are kept.</param>
/// <param name="BestWeights">Those weights when early stopping keeps a copy, in Module.State order; else null.</param>
internal sealed record BestEpochState(double BestValue, int SinceBest, int Epoch, IReadOnlyList<float[]>? BestWeights);
