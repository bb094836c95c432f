namespace MlNetDeep;

/// <summary>What happened in one training epoch; sent to the progress callback and written to the MLContext log.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="NumberOfEpochs">Epochs requested.</param>
/// <param name="TrainingLoss">Mean training loss over the epoch's mini-batches (dropout active).</param>
/// <param name="ValidationLoss">Mean loss on the validation set in inference mode, when one was given.</param>
/// <param name="ValidationMetric">Task metric on the validation set (accuracy, or RMSE in label units), when one was given.</param>
/// <param name="ValidationMetricName">Name of <paramref name="ValidationMetric"/>.</param>
/// <param name="Elapsed">Wall time of the epoch, validation included.</param>
/// <param name="IsBest">True when this epoch has the best validation value so far (the weights early stopping keeps).</param>
/// <param name="LearningRate">Learning rate of the epoch's last mini-batch (it varies within an epoch under a per-batch schedule).</param>
public sealed record EpochReport(int Epoch, int NumberOfEpochs, double TrainingLoss, double? ValidationLoss,
    double? ValidationMetric, string? ValidationMetricName, TimeSpan Elapsed, bool IsBest, double LearningRate)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        string text = $"epoch {Epoch}/{NumberOfEpochs}: learning rate {LearningRate:G3}, training loss {TrainingLoss:F4}";
        if (ValidationLoss is double vl) text += $", validation loss {vl:F4}";
        if (ValidationMetric is double vm) text += $", validation {ValidationMetricName} {vm:F4}";
        return text + $" ({Elapsed.TotalSeconds:F2} s){(IsBest && ValidationLoss is not null ? " *" : "")}";
    }
}
