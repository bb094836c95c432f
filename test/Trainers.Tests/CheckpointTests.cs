using Microsoft.ML;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Trainers.Tests;

/// <summary>
/// Checkpoints of the supervised epoch loop: a run stopped after any epoch and resumed ends with the same weights, to the
/// bit, and the same history as one that never stopped (with dropout, BatchNorm, Adam with weight decay, a per-batch and a
/// plateau schedule, label smoothing and early stopping, so every piece of state matters); the folder keeps the newest two
/// and the best; what cannot be resumed is refused with the reason.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetdeep-checkpoints-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    internal static Module Network(int hidden = 16, int seed = 1) =>
        Mlp.Build(new MlpArchitecture(2, [hidden, hidden], 2, ActivationKind.Relu, DropoutRate: 0.2f, BatchNorm: true), new Rng(seed));

    internal static TrainingSettings Settings(int epochs, LearningRateSchedule? schedule = null, string? checkpoints = null, string? resume = null,
        IProgress<EpochReport>? progress = null, CancellationToken token = default, int batchSize = 16, int? patience = 4) => new()
    {
        NumberOfEpochs = epochs, BatchSize = batchSize, Seed = 4, CreateOptimizer = p => new Adam(p, 0.02f) { WeightDecay = 0.01f },
        LearningRateSchedule = schedule ?? LearningRateSchedule.OneCycle(), LabelSmoothing = 0.05f, EarlyStoppingPatience = patience,
        CheckpointFolder = checkpoints, ResumeFrom = resume, Progress = progress, CancellationToken = token,
    };

    internal static TrainingResult Train(TrainingSettings settings, Module network)
    {
        var ml = new MLContext(seed: 1);
        var train = SupervisedTrainerTests.Xor(ml, 200, 1);
        var scan = DataScan.Run(train, SupervisedTrainerTests.Columns, "training data");
        return new SupervisedTrainer(SupervisedTrainerTests.Columns, settings).Train(network, scan.PerSlot(), train, scan, SupervisedTrainerTests.Xor(ml, 80, 2));
    }

    internal static byte[] Bytes(Module network) => [.. network.State().SelectMany(t => t.Span.ToArray()).SelectMany(BitConverter.GetBytes)];

    private static object[] Comparable(EpochReport r) => [r.Epoch, r.TrainingLoss, r.ValidationLoss!, r.ValidationMetric!, r.IsBest, r.LearningRate];

    [Theory]
    [InlineData(1, "one-cycle")]
    [InlineData(3, "one-cycle")]
    [InlineData(5, "plateau")]
    public void AResumedRunEndsWithTheSameBytesAsAnUninterruptedOne(int stopAfter, string schedule)
    {
        LearningRateSchedule Schedule() => schedule == "plateau" ? LearningRateSchedule.ReduceOnPlateau(0.5f, 1) : LearningRateSchedule.OneCycle();
        var whole = Network();
        var expected = Train(Settings(8, Schedule()), whole);

        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(r => { if (r.Epoch == stopAfter) cancel.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => Train(Settings(8, Schedule(), _folder, progress: progress, token: cancel.Token), Network()));

        var resumedNetwork = Network(seed: 99); // other weights and dropout stream: the checkpoint must overwrite them all
        var newReports = new List<EpochReport>();
        var resumed = Train(Settings(8, Schedule(), _folder, _folder, new SynchronousProgress(newReports.Add)), resumedNetwork);

        Assert.Equal(Bytes(whole), Bytes(resumedNetwork));
        Assert.Equal(expected.BestEpoch, resumed.BestEpoch);
        Assert.Equal(expected.History.Select(Comparable), resumed.History.Select(Comparable));
        Assert.Equal(Enumerable.Range(stopAfter + 1, expected.History.Count - stopAfter), newReports.Select(r => r.Epoch)); // progress: new epochs only
    }

    [Fact]
    public void TheFolderKeepsTheNewestTwoAndTheBestAndNoTemporaryFile()
    {
        var result = Train(Settings(8, patience: null), Network());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
        Train(Settings(8, checkpoints: _folder, patience: 100), Network());
        var epochs = CheckpointFolder.Find(_folder).Select(f => f.Epoch).ToList();
        var best = CheckpointFile.Read(CheckpointFolder.Find(_folder)[^1].Path).Best.Epoch;
        Assert.Equal(new[] { 7, 8 }.Union([best]).Order(), epochs);
        Assert.Empty(Directory.EnumerateFiles(_folder, "*.tmp"));
        Assert.Equal(8, result.History.Count);
    }

    [Fact]
    public void AnotherNetworkOrOtherOptionsAreRefusedNamingTheDifference()
    {
        Train(Settings(3, checkpoints: _folder), Network());
        var ex = Assert.Throws<InvalidOperationException>(() => Train(Settings(5, resume: _folder), Network(hidden: 8)));
        Assert.Contains("belongs to another training", ex.Message);
        Assert.Matches(@"network: checkpoint \d+ tensors, \d+ values, shapes [0-9A-F]{12}, now \d+ tensors", ex.Message);
        Assert.DoesNotContain("batch size", ex.Message); // only what differs
        ex = Assert.Throws<InvalidOperationException>(() => Train(Settings(5, resume: _folder, batchSize: 32), Network()));
        Assert.Contains("batch size: checkpoint 16, now 32", ex.Message);
        Assert.DoesNotContain("network:", ex.Message);
        // One-cycle spans NumberOfEpochs: a different count would change every rate.
        ex = Assert.Throws<InvalidOperationException>(() => Train(Settings(5, resume: _folder), Network()));
        Assert.Contains("epochs (the schedule spans them): checkpoint 3, now 5", ex.Message);
    }

    [Fact]
    public void ResumingPastTheLastEpochOrAfterEarlyStoppingIsRefused()
    {
        Train(Settings(3, LearningRateSchedule.Step(1, 1f), _folder), Network());
        var ex = Assert.Throws<InvalidOperationException>(() => Train(Settings(3, LearningRateSchedule.Step(1, 1f), resume: _folder), Network()));
        Assert.Contains("at epoch 3 and NumberOfEpochs is 3: nothing is left to train", ex.Message);
        // A step schedule does not depend on NumberOfEpochs: training further is allowed.
        var longer = Train(Settings(5, LearningRateSchedule.Step(1, 1f), _folder, _folder), Network());
        Assert.Equal(5, longer.History.Count);
    }

    [Fact]
    public void ResumingFromTheCheckpointFolderItselfStartsFreshWhenItIsEmptyOrMissing()
    {
        string missing = Path.Combine(_folder, "not-yet");
        var log = new List<string>();
        var settings = Settings(3, checkpoints: missing, resume: missing);
        var result = Train(new TrainingSettings
        {
            NumberOfEpochs = settings.NumberOfEpochs, BatchSize = settings.BatchSize, Seed = settings.Seed, CreateOptimizer = settings.CreateOptimizer,
            LearningRateSchedule = settings.LearningRateSchedule, CheckpointFolder = missing, ResumeFrom = missing, Log = log.Add,
        }, Network());
        Assert.Equal(3, result.History.Count);
        Assert.Contains(log, l => l == $"no checkpoint in {missing} yet: starting at epoch 1");
        Assert.Equal(3, CheckpointFolder.Find(missing)[^1].Epoch);
        // Another folder than the checkpoint folder must hold a checkpoint.
        string empty = Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName;
        var ex = Assert.Throws<InvalidOperationException>(() => Train(Settings(3, resume: empty), Network()));
        Assert.Contains("holds no checkpoint", ex.Message);
    }

    [Fact]
    public void ACheckpointFolderOfAnotherTrainingIsNeverOverwritten()
    {
        Train(Settings(2, checkpoints: _folder), Network());
        var before = Directory.GetFiles(_folder).ToDictionary(f => f, File.ReadAllBytes);
        var ex = Assert.Throws<InvalidOperationException>(() => Train(Settings(2, checkpoints: _folder), Network()));
        Assert.Contains("already holds checkpoints", ex.Message);
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(_folder).Order());
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
    }

    [Fact]
    public void ADamagedCheckpointIsNamedAndALeftoverTemporaryFileIsIgnored()
    {
        Train(Settings(4, checkpoints: _folder), Network());
        File.WriteAllText(Path.Combine(_folder, ".epoch-0005.mlnetdeep-checkpoint.123.tmp"), "half-written");
        string newest = CheckpointFolder.Find(_folder)[^1].Path;
        var bytes = File.ReadAllBytes(newest);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(newest, bytes);
        var ex = Assert.Throws<InvalidDataException>(() => Train(Settings(4, resume: _folder), Network()));
        Assert.Contains($"Checkpoint '{newest}' is damaged", ex.Message);
    }
}
