using System.Diagnostics;
using Microsoft.ML;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;
using MlNetDeep.Engine.Preprocessing;

namespace MlNetDeep.Trainers;

/// <summary>
/// The epoch loop for networks mapping a feature vector to class logits or a regression value:
/// shuffled mini-batches, loss, backward, optional clipping, optimiser step; then validation,
/// progress, and early stopping that keeps the weights of the epoch with the lowest validation loss.
/// </summary>
internal sealed class SupervisedTrainer
{
    private readonly SupervisedColumns _columns;
    private readonly TrainingSettings _settings;

    /// <summary>Creates the trainer.</summary>
    /// <param name="columns">Columns and target kind.</param>
    /// <param name="settings">Loop settings (already validated).</param>
    public SupervisedTrainer(SupervisedColumns columns, TrainingSettings settings)
    {
        _columns = columns;
        _settings = settings;
    }

    /// <summary>Trains <paramref name="network"/> in place and returns it in inference mode.</summary>
    /// <param name="network">(B, F) → (B, K) network.</param>
    /// <param name="preprocessing">What the model does to each feature row before the network (null: nothing).</param>
    /// <param name="training">Training data (its scan already ran).</param>
    /// <param name="scan">Statistics of the training data.</param>
    /// <param name="validation">Optional validation data (already scanned for bad values).</param>
    public TrainingResult Train(Module network, FeaturePreprocessing? preprocessing, IDataView training, DataScan scan, IDataView? validation)
    {
        var reader = new ShuffledBatchReader(_columns, preprocessing, scan, _settings.BatchSize, _settings.ShufflePoolSize);
        var optimizer = _settings.CreateOptimizer(network.Parameters());
        var shuffle = new Rng(_settings.Seed ^ 0x5DEECE66DL);
        var augment = Augmentation();
        var tape = new Tape();
        var best = new BestEpoch(_settings);
        var rate = new ScheduledRate(optimizer, _settings, scan.Rows, higherIsBetter: false); // follows the validation loss
        var checkpoints = new CheckpointSession(_settings, network, optimizer, rate, best, augment is { } a ? [shuffle, a.Rng] : [shuffle], scan.Rows);

        for (int epoch = checkpoints.FirstEpoch; epoch <= _settings.NumberOfEpochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            network.SetTraining(true);
            double lossSum = 0;
            long seen = 0;
            int step = 0;
            foreach (var batch in reader.Read(training, shuffle, augment))
            {
                _settings.CancellationToken.ThrowIfCancellationRequested();
                // BatchNorm cannot normalise a batch of one; a single left-over row is dropped from the epoch.
                if (batch.Count == 1 && _settings.BatchSize > 1 && seen > 0) continue;
                rate.BeforeStep(epoch, step++);
                optimizer.ZeroGrad();
                var loss = Loss(tape, network, batch);
                lossSum += loss.Span[0] * batch.Count;
                seen += batch.Count;
                GradientStep.Run(tape, optimizer, loss, _settings);
            }
            double trainingLoss = lossSum / Math.Max(seen, 1);
            if (!double.IsFinite(trainingLoss))
                throw new InvalidOperationException($"Training diverged in epoch {epoch} (loss {trainingLoss}); lower the learning rate.");

            network.SetTraining(false);
            double? validationLoss = null, metric = null;
            if (validation is not null) (validationLoss, metric) = Evaluate(network, validation, reader, tape, scan.LabelStd);
            bool isBest = best.Observe(network, epoch, -validationLoss);
            best.Report(new EpochReport(epoch, _settings.NumberOfEpochs, trainingLoss, validationLoss, metric,
                validation is null ? null : MetricName, clock.Elapsed, isBest, rate.Current));
            rate.EpochEnded(epoch, validationLoss);
            bool stop = best.ShouldStop(epoch, "validation loss");
            checkpoints.EpochEnded(epoch, isBest && validation is not null, stop);
            if (stop) break;
        }
        return best.Finish(network);
    }

    /// <summary>The augmenter and its own generator (so turning augmentation on leaves the shuffling unchanged), or null.</summary>
    private (ImageAugmenter Augmenter, Rng Rng)? Augmentation()
    {
        if (_settings.Augmentation is not { IsActive: true } settings) return null;
        if (_columns.Input.Shape is not [int c, int h, int w])
            throw new ArgumentException($"Image augmentation needs an image input of known (C, H, W); column '{_columns.Input.Column}' has none.");
        settings.CheckImage(h, w);
        return (new ImageAugmenter(settings, c, h, w), new Rng(_settings.Seed ^ 0x61C88647L));
    }

    private string MetricName => _columns.Target == TargetKind.Classification ? "accuracy" : "RMSE";

    private Tensor Loss(Tape tape, Module network, Batch batch)
    {
        var x = new Tensor(batch.Features, batch.Count, batch.FeatureCount);
        var output = network.Forward(tape, x);
        if (_columns.Target == TargetKind.Classification) return Ops.SoftmaxCrossEntropy(tape, output, batch.Classes, _settings.LabelSmoothing);
        return Ops.MseLoss(tape, output, new Tensor(batch.Targets, batch.Count, 1));
    }

    /// <summary>Mean loss and metric (accuracy, or RMSE in the label's units) in inference mode.</summary>
    private (double Loss, double Metric) Evaluate(Module network, IDataView data, ShuffledBatchReader reader, Tape tape, float labelStd)
    {
        tape.IsRecording = false;
        double lossSum = 0, metricSum = 0;
        long n = 0;
        foreach (var batch in reader.Read(data, rng: null))
        {
            _settings.CancellationToken.ThrowIfCancellationRequested();
            var x = new Tensor(batch.Features, batch.Count, batch.FeatureCount);
            var output = network.Forward(tape, x);
            lossSum += Loss(tape, output, batch) * batch.Count;
            metricSum += MetricSum(output, batch, labelStd);
            n += batch.Count;
            tape.Reset();
        }
        tape.IsRecording = true;
        return _columns.Target == TargetKind.Classification
            ? (lossSum / n, metricSum / n)
            : (lossSum / n, Math.Sqrt(metricSum / n));
    }

    private double Loss(Tape tape, Tensor output, Batch batch) => _columns.Target == TargetKind.Classification
        ? Ops.SoftmaxCrossEntropy(tape, output, batch.Classes).Span[0]
        : Ops.MseLoss(tape, output, new Tensor(batch.Targets, batch.Count, 1)).Span[0];

    // Correct predictions, or the sum of squared errors in label units (targets are standardised by LabelStd).
    private double MetricSum(Tensor output, Batch batch, float labelStd)
    {
        var o = output.Span;
        double sum = 0;
        if (_columns.Target == TargetKind.Classification)
        {
            int k = output.Shape[1];
            for (int r = 0; r < batch.Count; r++)
            {
                var row = o.Slice(r * k, k);
                int arg = 0;
                for (int j = 1; j < k; j++) if (row[j] > row[arg]) arg = j;
                if (arg == batch.Classes[r]) sum++;
            }
            return sum;
        }
        return SquaredErrorSum(o, batch, labelStd);
    }

    private static double SquaredErrorSum(ReadOnlySpan<float> predictions, Batch batch, float labelStd)
    {
        double sum = 0;
        for (int r = 0; r < batch.Count; r++)
        {
            double d = (predictions[r] - batch.Targets[r]) * (double)labelStd;
            sum += d * d;
        }
        return sum;
    }
}
