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
