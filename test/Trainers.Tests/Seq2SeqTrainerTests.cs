using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;
using MlNetDeep.Trainers;

namespace MlNetDeep.Trainers.Tests;

/// <summary>
/// The sequence-to-sequence epoch loop on a task that needs attention (reverse 2–5 symbols): it learns it, the kept
/// weights are the best epoch's, runs are reproducible for a seed, cancellation stops it; and the batch layout.
/// </summary>
public class Seq2SeqTrainerTests
{
    private static List<SequencePair> Reversals(int count, int seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var symbols = Enumerable.Range(0, 2 + rng.NextInt(4)).Select(_ => Seq2SeqTokens.Reserved + rng.NextInt(6)).ToArray();
            return new SequencePair([.. symbols, Seq2SeqTokens.Eos], [.. symbols.Reverse(), Seq2SeqTokens.Eos]);
        }).ToList();
    }

    private static Seq2Seq Model(int seed) =>
        new(new Seq2SeqSpec(10, 10, 16, RecurrentCellKind.Gru, 32, 1, true, AttentionKind.General, false, 0f), new Rng(seed));

    private static TrainingSettings Settings(int epochs, int? patience = null, IProgress<EpochReport>? progress = null,
        CancellationToken token = default, float labelSmoothing = 0f, string? checkpoints = null, string? resume = null) => new()
    {
        NumberOfEpochs = epochs, BatchSize = 32, Seed = 5, CreateOptimizer = p => new Adam(p, 1e-2f), GradientClipNorm = 5f,
        EarlyStoppingPatience = patience, Progress = progress, CancellationToken = token, LabelSmoothing = labelSmoothing,
        CheckpointFolder = checkpoints, ResumeFrom = resume,
    };

    [Fact]
    public void LearnsToReverseAndKeepsTheBestEpoch()
    {
        var training = Reversals(800, 1);
        var validation = Reversals(100, 2);
        var trainer = new Seq2SeqTrainer(Settings(12, patience: 3, labelSmoothing: 0.05f), new Seq2SeqTrainingSettings(SamplingRatio: 0.2f));
        var model = Model(3);
        var result = trainer.Train(model, training, validation);

        var bestReport = result.History[result.BestEpoch - 1];
        Assert.True(bestReport.IsBest);
        Assert.Equal(Seq2SeqTrainer.MetricName, bestReport.ValidationMetricName);
        var (loss, accuracy) = trainer.Evaluate(model, validation, new Tape());
        Assert.Equal(bestReport.ValidationLoss!.Value, loss, 6); // the kept weights are the best epoch's
        Assert.True(accuracy > 0.95, $"validation token accuracy {accuracy:F3}");
        var tests = Reversals(100, 3);
        int correct = tests.Count(p => Seq2SeqDecoder.Greedy(model, p.Source, 10).SequenceEqual(p.Target[..^1]));
        Assert.True(correct >= 90, $"{correct} of 100 reversed");
    }

    [Fact]
    public void SameSeedGivesTheSameWeights()
    {
        var training = Reversals(120, 4);
        float[] Run()
        {
            var model = Model(7);
            new Seq2SeqTrainer(Settings(2), new Seq2SeqTrainingSettings(SamplingRatio: 0.5f)).Train(model, training, null);
            return model.Parameters().SelectMany(p => p.Span.ToArray()).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void AResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne()
    {
        // Dropout and scheduled sampling draw from generators the checkpoint must restore.
        Seq2Seq Model(int seed) => new(new Seq2SeqSpec(10, 10, 16, RecurrentCellKind.Lstm, 32, 2, true, AttentionKind.Additive, true, 0.2f), new Rng(seed));
        float[] Weights(Seq2Seq m) => m.Parameters().SelectMany(p => p.Span.ToArray()).ToArray();
        var training = Reversals(160, 8);
        var validation = Reversals(32, 9);
        var sequence = new Seq2SeqTrainingSettings(SamplingRatio: 0.3f, StopOnTokenAccuracy: true);
        var whole = Model(1);
        var expected = new Seq2SeqTrainer(Settings(4, patience: 3), sequence).Train(whole, training, validation);

        string folder = Directory.CreateTempSubdirectory("mlnetdeep-seq2seq-checkpoints-").FullName;
        try
        {
            using var cancel = new CancellationTokenSource();
            var stopAfter2 = new SynchronousProgress(r => { if (r.Epoch == 2) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() =>
                new Seq2SeqTrainer(Settings(4, 3, stopAfter2, cancel.Token, checkpoints: folder), sequence).Train(Model(1), training, validation));
            var resumedModel = Model(42);
            var resumed = new Seq2SeqTrainer(Settings(4, patience: 3, checkpoints: folder, resume: folder), sequence).Train(resumedModel, training, validation);
            Assert.Equal(Weights(whole), Weights(resumedModel));
            Assert.Equal(expected.History.Select(r => (r.TrainingLoss, r.ValidationMetric)), resumed.History.Select(r => (r.TrainingLoss, r.ValidationMetric)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ReportsEveryEpochAndStopsWhenCancelled()
    {
        var reports = new List<EpochReport>();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(r => { reports.Add(r); if (r.Epoch == 2) cancel.Cancel(); });
        var trainer = new Seq2SeqTrainer(Settings(5, progress: progress, token: cancel.Token), new Seq2SeqTrainingSettings());
        Assert.Throws<OperationCanceledException>(() => trainer.Train(Model(1), Reversals(64, 5), Reversals(16, 6)));
        Assert.Equal([1, 2], reports.Select(r => r.Epoch));
    }

    [Fact]
    public void BatchesPadSourcesAndShiftTargets()
    {
        List<SequencePair> pairs = [new([4, 5, 3], [6, 7, 3]), new([3], [8, 3])];
        var batch = SequenceBatches.Pad(pairs, [0, 1]);
        Assert.Equal([4, 5, 3, 3, Seq2SeqTokens.Pad, Seq2SeqTokens.Pad], batch.Source);
        Assert.Equal([3, 1], batch.SourceLengths);
        Assert.Equal([Seq2SeqTokens.Bos, 6, 7, Seq2SeqTokens.Bos, 8, Seq2SeqTokens.Pad], batch.DecoderInput);
        Assert.Equal([6, 7, 3, 8, 3, -1], batch.Targets);
        Assert.Equal([3, 2], batch.TargetLengths);
    }

    [Fact]
    public void AnEpochReadsEveryPairOnceInBatchesOfSimilarLength()
    {
        var pairs = Reversals(500, 7);
        var batches = SequenceBatches.Read(pairs, 16, new Rng(1)).ToList();
        Assert.Equal(pairs.Count, batches.Sum(b => b.Count));
        Assert.Equal(pairs.Sum(p => p.Source.Length), batches.Sum(b => b.SourceLengths.Sum()));
        // Bucketing: far less source padding than random batches would have.
        int padding = batches.Sum(b => b.Count * b.SourceLength - b.SourceLengths.Sum());
        Assert.True(padding < pairs.Count / 4, $"{padding} padded source positions");
    }
}
