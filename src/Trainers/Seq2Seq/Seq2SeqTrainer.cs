using System.Diagnostics;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Trainers;

/// <summary>
/// The epoch loop of a <see cref="Seq2Seq"/>: teacher-forced mini-batches (<see cref="SequenceBatches"/>) with the
/// padding-aware, optionally label-smoothed cross-entropy, optional scheduled sampling, gradient clipping; per epoch the
/// validation loss and token accuracy (teacher-forced arg-max against the gold token, padding excluded); early stopping on
/// either, keeping the best epoch's weights. Same options and reports as <see cref="SupervisedTrainer"/>.
/// </summary>
internal sealed class Seq2SeqTrainer(TrainingSettings settings, Seq2SeqTrainingSettings sequence)
{
    /// <summary>Name of the validation metric in the epoch reports.</summary>
    public const string MetricName = "token accuracy";

    /// <summary>Trains <paramref name="model"/> in place.</summary>
    /// <param name="model">Network with initial weights.</param>
    /// <param name="training">Training pairs.</param>
    /// <param name="validation">Validation pairs, or null.</param>
    public TrainingResult Train(Seq2Seq model, IReadOnlyList<SequencePair> training, IReadOnlyList<SequencePair>? validation)
    {
        if (training.Count == 0) throw new ArgumentException("There are no training pairs.", nameof(training));
        var optimizer = settings.CreateOptimizer(model.Parameters());
        var shuffle = new Rng(settings.Seed ^ 0x5DEECE66DL);
        var sampling = new Rng(settings.Seed ^ 0x2545F491L);
        var tape = new Tape();
        var best = new BestEpoch(settings);
        var rate = new ScheduledRate(optimizer, settings, training.Count, sequence.StopOnTokenAccuracy);
        var checkpoints = new CheckpointSession(settings, model, optimizer, rate, best, [shuffle, sampling], training.Count);

        for (int epoch = checkpoints.FirstEpoch; epoch <= settings.NumberOfEpochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            model.SetTraining(true);
            float ratio = sequence.SamplingRatioAt(epoch, settings.NumberOfEpochs);
            double lossSum = 0;
            long tokens = 0;
            int step = 0;
            foreach (var batch in SequenceBatches.Read(training, settings.BatchSize, shuffle))
            {
                settings.CancellationToken.ThrowIfCancellationRequested();
                rate.BeforeStep(epoch, step++);
                optimizer.ZeroGrad();
                var loss = Ops.TokenCrossEntropy(tape, Logits(tape, model, batch, ratio, sampling), batch.Targets, settings.LabelSmoothing);
                int counted = batch.TargetLengths.Sum();
                lossSum += loss.Span[0] * (double)counted;
                tokens += counted;
                GradientStep.Run(tape, optimizer, loss, settings);
            }
            double trainingLoss = lossSum / Math.Max(tokens, 1);
            if (!double.IsFinite(trainingLoss))
                throw new InvalidOperationException($"Training diverged in epoch {epoch} (loss {trainingLoss}); lower the learning rate.");

            model.SetTraining(false);
            double? validationLoss = null, accuracy = null;
            if (validation is { Count: > 0 }) (validationLoss, accuracy) = Evaluate(model, validation, tape);
            double? watched = sequence.StopOnTokenAccuracy ? accuracy : validationLoss;
            bool isBest = best.Observe(model, epoch, sequence.StopOnTokenAccuracy ? watched : -watched); // larger is better
            best.Report(new EpochReport(epoch, settings.NumberOfEpochs, trainingLoss, validationLoss, accuracy,
                validationLoss is null ? null : MetricName, clock.Elapsed, isBest, rate.Current));
            rate.EpochEnded(epoch, watched);
            bool stop = best.ShouldStop(epoch, sequence.StopOnTokenAccuracy ? "validation " + MetricName : "validation loss");
            checkpoints.EpochEnded(epoch, isBest && watched is not null, stop);
            if (stop) break;
        }
        return best.Finish(model);
    }

    /// <summary>Validation loss (not smoothed) per target token, and teacher-forced token accuracy.</summary>
    public (double Loss, double TokenAccuracy) Evaluate(Seq2Seq model, IReadOnlyList<SequencePair> pairs, Tape tape)
    {
        tape.IsRecording = false;
        double lossSum = 0;
        long tokens = 0, correct = 0;
        int v = model.Spec.TargetVocabularySize;
        foreach (var batch in SequenceBatches.Read(pairs, settings.BatchSize, rng: null))
        {
            settings.CancellationToken.ThrowIfCancellationRequested();
            var logits = Logits(tape, model, batch, 0f, null);
            int counted = batch.TargetLengths.Sum();
            lossSum += Ops.TokenCrossEntropy(tape, logits, batch.Targets).Span[0] * (double)counted;
            tokens += counted;
            for (int row = 0; row < batch.Targets.Length; row++)
                if (batch.Targets[row] >= 0 && Seq2Seq.ArgMax(logits.Span.Slice(row * v, v)) == batch.Targets[row]) correct++;
            tape.Reset();
        }
        tape.IsRecording = true;
        return (lossSum / Math.Max(tokens, 1), (double)correct / Math.Max(tokens, 1));
    }

    private static Tensor Logits(Tape tape, Seq2Seq model, SequenceBatch batch, float samplingRatio, Rng? sampling)
    {
        var encoded = model.Encode(tape, batch.Source, batch.Count, batch.SourceLength, batch.SourceLengths);
        return model.TeacherForced(tape, encoded, batch.DecoderInput, batch.Steps, batch.TargetLengths, samplingRatio, sampling);
    }
}
