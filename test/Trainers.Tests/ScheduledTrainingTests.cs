using Microsoft.ML;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Trainers.Tests;

/// <summary>
/// The epoch loop drives the optimiser with the schedule: the rate each report shows is the one the optimiser used, a step
/// schedule that nearly stops learning freezes the weights, reduce on plateau logs its reductions, and label smoothing
/// changes the training loss but not the validation loss.
/// </summary>
public class ScheduledTrainingTests
{
    private static readonly SupervisedColumns Columns = SupervisedTrainerTests.Columns;

    private static TrainingResult Train(TrainingSettings settings, Module network, IProgress<EpochReport>? progress = null, bool validate = false)
    {
        var ml = new MLContext(seed: 1);
        var train = SupervisedTrainerTests.Xor(ml, 256, 1);
        var scan = DataScan.Run(train, Columns, "training data");
        Assert.Equal(256, scan.Rows);
        return new SupervisedTrainer(Columns, settings).Train(network, scan.PerSlot(), train, scan, validate ? SupervisedTrainerTests.Xor(ml, 64, 2) : null);
    }

    private static Module Network() => Mlp.Build(new MlpArchitecture(2, [8], 2, ActivationKind.Tanh), new Rng(1));

    private static float[] Weights(Module network) => network.Parameters().SelectMany(p => p.Span.ToArray()).ToArray();

    [Fact]
    public void ReportsTheRateTheOptimiserUsedAndTheScheduleChangesTheWeights()
    {
        var network = Network();
        var weightsAfter = new List<float[]>();
        var settings = new TrainingSettings
        {
            NumberOfEpochs = 4, BatchSize = 32, Seed = 2, CreateOptimizer = p => new Sgd(p, 0.5f),
            LearningRateSchedule = LearningRateSchedule.Step(everyEpochs: 2, factor: 1e-7f),
            Progress = new SynchronousProgress(_ => weightsAfter.Add(Weights(network))),
        };
        var result = Train(settings, network);
        Assert.Equal([0.5, 0.5, 0.5e-7, 0.5e-7], result.History.Select(r => Math.Round(r.LearningRate, 12)));
        Assert.NotEqual(weightsAfter[0], weightsAfter[1]); // full rate: learning
        double change = weightsAfter[2].Zip(weightsAfter[3]).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(change < 1e-5, $"epoch 4 moved a weight by {change} at rate 5e-8");
    }

    [Fact]
    public void CosineReachesNearItsMinimumInTheLastEpoch()
    {
        var settings = new TrainingSettings
        {
            NumberOfEpochs = 3, BatchSize = 32, Seed = 2, CreateOptimizer = p => new Adam(p, 1e-2f),
            LearningRateSchedule = LearningRateSchedule.Cosine(warmupEpochs: 1, minimumLearningRate: 1e-4f),
        };
        var rates = Train(settings, Network()).History.Select(r => r.LearningRate).ToArray();
        Assert.Equal(1e-2, rates[0], 6); // the warm-up's last step is the base rate
        Assert.True(rates[1] < rates[0] && rates[2] < rates[1]);
        Assert.Equal(1e-4 + (1e-2 - 1e-4) * (1 + Math.Cos(Math.PI * 15 / 16)) / 2, rates[2], 6); // step 15 of 16 annealed
    }

    [Fact]
    public void ReduceOnPlateauLogsEachReduction()
    {
        var log = new List<string>();
        var settings = new TrainingSettings
        {
            // A rate so large the validation loss cannot keep improving.
            NumberOfEpochs = 8, BatchSize = 64, Seed = 2, CreateOptimizer = p => new Sgd(p, 20f),
            LearningRateSchedule = LearningRateSchedule.ReduceOnPlateau(factor: 0.5f, patience: 1), Log = log.Add,
        };
        var result = Train(settings, Network(), validate: true);
        var rates = result.History.Select(r => r.LearningRate).ToArray();
        int reductions = rates.Zip(rates.Skip(1)).Count(p => p.Second < p.First);
        Assert.True(reductions >= 1, string.Join(", ", rates));
        Assert.Equal(reductions, log.Count(l => l.StartsWith("reduce on plateau after epoch", StringComparison.Ordinal)));
        Assert.Contains(log, l => l.StartsWith("learning rate 20, schedule reduce on plateau", StringComparison.Ordinal));
    }

    [Fact]
    public void LabelSmoothingChangesTheTrainingLossButNeverTheValidationLoss()
    {
        // A rate so small the weights stay put: both runs see the same network, so only the smoothing differs.
        TrainingSettings Settings(float smoothing) => new()
        {
            NumberOfEpochs = 1, BatchSize = 32, Seed = 2, CreateOptimizer = p => new Sgd(p, 1e-9f), LabelSmoothing = smoothing,
        };
        var plain = Train(Settings(0f), Network(), validate: true).History[0];
        var smoothed = Train(Settings(0.5f), Network(), validate: true).History[0];
        Assert.True(Math.Abs(smoothed.TrainingLoss - plain.TrainingLoss) > 1e-4, $"{smoothed.TrainingLoss} vs {plain.TrainingLoss}");
        Assert.Equal(plain.ValidationLoss!.Value, smoothed.ValidationLoss!.Value, 6);
    }

    [Fact]
    public void SameSeedGivesTheSameWeightsWithEveryTrainingOption()
    {
        TrainingSettings Settings() => new()
        {
            NumberOfEpochs = 3, BatchSize = 32, Seed = 2, CreateOptimizer = p => new Adam(p, 1e-2f) { WeightDecay = 0.01f },
            LabelSmoothing = 0.1f, LearningRateSchedule = LearningRateSchedule.OneCycle(),
        };
        var first = Network();
        var second = Network();
        Train(Settings(), first, validate: true);
        Train(Settings(), second, validate: true);
        Assert.Equal(Weights(first), Weights(second));
    }
}
