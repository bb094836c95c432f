using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;
using MlNetDeep.Trainers;

namespace MlNetDeep.Trainers.Tests;

public class SupervisedTrainerTests
{
    private sealed class Row
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        // LoadFromEnumerable reads a [KeyType(n)] uint v as key v + 1 (0-based values; ≥ n reads as missing): classes 0 and 1.
        [KeyType(2)] public uint Label { get; set; }
    }

    internal static IDataView Xor(MLContext ml, int n, int seed)
    {
        var rng = new Rng(seed);
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, n).Select(_ =>
        {
            float a = rng.Uniform(-1, 1), b = rng.Uniform(-1, 1);
            return new Row { Features = [a, b], Label = (a > 0) ^ (b > 0) ? 1u : 0u };
        }).ToList());
    }

    internal static readonly SupervisedColumns Columns = new(new FeatureInput("Features", 2), "Label", TargetKind.Classification, 2);

    private static TrainingSettings Settings(int epochs, IProgress<EpochReport>? progress = null, int? patience = null) => new()
    {
        NumberOfEpochs = epochs, BatchSize = 16, Seed = 3,
        CreateOptimizer = p => new Adam(p, 0.02f), Progress = progress, EarlyStoppingPatience = patience,
    };

    [Fact]
    public void LearnsXorWhichNoLinearModelCan()
    {
        var ml = new MLContext();
        var train = Xor(ml, 400, 1);
        var scan = DataScan.Run(train, Columns, "training data");
        var network = Mlp.Build(new MlpArchitecture(2, [16], 2, ActivationKind.Tanh), new Rng(1));
        var result = new SupervisedTrainer(Columns, Settings(40)).Train(network, scan.PerSlot(), train, scan, Xor(ml, 200, 2));
        Assert.False(network.IsTraining);
        Assert.True(result.History[^1].ValidationMetric > 0.9, $"validation accuracy {result.History[^1].ValidationMetric}");
        Assert.True(result.History[^1].TrainingLoss < result.History[0].TrainingLoss / 2);
        Assert.Equal("accuracy", result.History[0].ValidationMetricName);
    }

    [Fact]
    public void GradientClippingByNormStillTrains()
    {
        var ml = new MLContext();
        var train = Xor(ml, 200, 1);
        var scan = DataScan.Run(train, Columns, "training data");
        var network = Mlp.Build(new MlpArchitecture(2, [16], 2, ActivationKind.Tanh), new Rng(1));
        var settings = new TrainingSettings
        {
            NumberOfEpochs = 5, BatchSize = 16, Seed = 3, CreateOptimizer = p => new Sgd(p, 0.5f), GradientClipNorm = 0.5f,
        };
        var result = new SupervisedTrainer(Columns, settings).Train(network, scan.PerSlot(), train, scan, null);
        Assert.True(result.History[^1].TrainingLoss < result.History[0].TrainingLoss);
        Assert.Null(result.History[0].ValidationLoss);
        Assert.Equal(5, result.BestEpoch); // without validation data the last epoch is kept
    }
}
