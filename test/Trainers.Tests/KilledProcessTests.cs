using System.Diagnostics;
using Microsoft.ML;

namespace MlNetDeep.Trainers.Tests;

/// <summary>
/// A training process killed in the middle of an epoch leaves checkpoints from which a new process finishes with the same
/// weights, to the bit, as a run that was never interrupted.
/// </summary>
public sealed class KilledProcessTests : IDisposable
{
    private const int Epochs = 6;
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetdeep-killed-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The run both processes make. The child slows its epochs down with a pause in its progress callback (after an
    /// epoch's training, before its checkpoint), which changes no result, so the kill lands before the end.</summary>
    internal static TrainingResult Run(Engine.Layers.Module network, string? folder, string? resume, IProgress<EpochReport>? progress = null)
    {
        var ml = new MLContext(seed: 1);
        var train = SupervisedTrainerTests.Xor(ml, 20_000, 1);
        var scan = DataScan.Run(train, SupervisedTrainerTests.Columns, "training data");
        var settings = CheckpointTests.Settings(Epochs, checkpoints: folder, resume: resume, batchSize: 32, progress: progress);
        return new SupervisedTrainer(SupervisedTrainerTests.Columns, settings).Train(network, scan.PerSlot(), train, scan, SupervisedTrainerTests.Xor(ml, 500, 2));
    }

    [Fact]
    public void AKilledTrainingResumesInANewProcessToTheSameBytes()
    {
        string dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "exec", typeof(ChildProcess).Assembly.Location, ChildProcess.TrainWithCheckpoints, _folder }) start.ArgumentList.Add(a);
        using (var child = Process.Start(start)!)
        {
            // Kill it a moment after its second checkpoint appears: in epoch 3, before that epoch's checkpoint.
            var clock = Stopwatch.StartNew();
            while (CheckpointFolder.Find(_folder).Count < 2 && !child.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(20);
            if (child.HasExited) Assert.Fail($"the child ended before it was killed (exit {child.ExitCode}): {child.StandardError.ReadToEnd()}");
            Thread.Sleep(100);
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        int reached = CheckpointFolder.Find(_folder)[^1].Epoch;
        Assert.InRange(reached, 2, Epochs - 1); // killed before the end (normally in epoch 3)

        var whole = CheckpointTests.Network();
        var expected = Run(whole, folder: null, resume: null);
        var resumedNetwork = CheckpointTests.Network(seed: 7);
        var resumed = Run(resumedNetwork, _folder, _folder);
        Assert.Equal(CheckpointTests.Bytes(whole), CheckpointTests.Bytes(resumedNetwork));
        Assert.Equal(expected.History.Select(r => r.TrainingLoss), resumed.History.Select(r => r.TrainingLoss));
    }
}
