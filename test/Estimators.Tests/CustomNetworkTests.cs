using Microsoft.ML;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// User-defined networks (CustomNetwork) in the MLP trainers, with the same guarantees as the built-in architectures:
/// schema, Save → Load, PredictionEngine (the workout), learning, determinism, the summary logged at Fit, and compositions
/// that do not fit the data rejected before any data is read.
/// </summary>
public class CustomNetworkTests
{
    private static NetworkDefinition Classifier(int classes = 3) =>
        new NetworkDefinition().Dense(32).BatchNorm().Relu().Dropout(0.1f).Dense(16).Tanh().Dense(classes);

    /// <summary>Two parallel branches (a wide ReLU one, a narrow tanh one) joined, then the classifier layer.</summary>
    private static NetworkDefinition Branched() => new NetworkDefinition()
        .Concatenate(new NetworkDefinition().Dense(16).Relu(), new NetworkDefinition().Dense(8).Tanh())
        .Dropout(0.1f).Dense(3);

    private static (MLContext Ml, IEstimator<ITransformer> Pipeline, MlpClassifier Trainer) Pipeline(NetworkDefinition network, List<string>? log = null,
        IProgress<EpochReport>? progress = null)
    {
        var ml = new MLContext(seed: 1);
        if (log is not null) ml.Log += (_, e) => { if (e.Source.StartsWith("MlNetDeep", StringComparison.Ordinal)) lock (log) log.Add(e.Message); };
        var trainer = ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options
        {
            CustomNetwork = network, NumberOfEpochs = 8, BatchSize = 16, LearningRate = 0.01f, Seed = 3, Progress = progress,
        });
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));
        return (ml, pipeline, trainer);
    }

    [Fact]
    public void ACustomClassifierLearnsRoundTripsAndLogsItsSummary()
    {
        var log = new List<string>();
        var (ml, pipeline, trainer) = Pipeline(Classifier(), log);
        var test = SyntheticData.Blobs(60, 5);
        var model = EstimatorWorkout.Run<BlobRow, ClassPrediction>(ml, pipeline, SyntheticData.View(ml, SyntheticData.Blobs(300, 1)), test, ["Features", "Label"]);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(SyntheticData.View(ml, test)));
        Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy}");
        Assert.Contains(log, l => l.Contains("user-defined network:", StringComparison.Ordinal) && l.Contains("Dense(32)", StringComparison.Ordinal)
            && l.Contains("trainable parameters: 803", StringComparison.Ordinal)); // 4·32+32 + 2·32 + 32·16+16 + 16·3+3
        Assert.Contains("\"architecture\":\"custom\"", System.Text.Encoding.UTF8.GetString(trainer.LastTrainingReport!.OnnxModel));
    }

    [Fact]
    public void ParallelBranchesLearnAndRoundTrip()
    {
        var (ml, pipeline, _) = Pipeline(Branched());
        var test = SyntheticData.Blobs(60, 5);
        var model = EstimatorWorkout.Run<BlobRow, ClassPrediction>(ml, pipeline, SyntheticData.View(ml, SyntheticData.Blobs(300, 1)), test, ["Features", "Label"]);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(SyntheticData.View(ml, test)));
        Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy}");
    }

    [Fact]
    public void SameSeedGivesTheSameModelAndTheTrainerKeepsItsOwnCopy()
    {
        var network = Classifier();
        var (ml, pipeline, trainer) = Pipeline(network);
        network.Dense(7); // after the trainer was created: no effect on it
        pipeline.Fit(SyntheticData.View(ml, SyntheticData.Blobs(120, 1)));
        byte[] first = trainer.LastTrainingReport!.OnnxModel;
        var (ml2, pipeline2, trainer2) = Pipeline(Classifier());
        pipeline2.Fit(SyntheticData.View(ml2, SyntheticData.Blobs(120, 1)));
        Assert.Equal(first, trainer2.LastTrainingReport!.OnnxModel);
    }

    [Fact]
    public void ACustomRegressorWorks()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.DeepLearning().Regression.Mlp(new MlpRegressor.Options
        {
            CustomNetwork = new NetworkDefinition().Dense(32).Relu().Dense(32).Relu().Dense(1), NumberOfEpochs = 40, BatchSize = 32, LearningRate = 0.01f, Seed = 1,
        });
        var model = trainer.Fit(SyntheticData.View(ml, SyntheticData.Curve(600, 1)));
        var metrics = ml.Regression.Evaluate(model.Transform(SyntheticData.View(ml, SyntheticData.Curve(200, 2))));
        Assert.True(metrics.RSquared > 0.8, $"R² {metrics.RSquared}");
    }

    public static TheoryData<string, Func<NetworkDefinition>, string> Misfits => new()
    {
        { "output size", () => Classifier(classes: 5), "CustomNetwork: The network ends with output shape (5) (layer 7, Dense(5)); the label's 3 classes take (3): end it with Dense(3)." },
        { "image layer on vectors", () => new NetworkDefinition().Conv2d(8, 3).Flatten().Dense(3), "CustomNetwork: Layer 1 (Conv2d(8, 3×3, stride 1, padding 0)) expects an image (C, H, W) but gets (4)" },
        { "empty", () => new NetworkDefinition(), "CustomNetwork: The network has no layers" },
    };

    [Theory]
    [MemberData(nameof(Misfits))]
    public void ANetworkThatDoesNotFitTheDataIsRejectedBeforeTraining(string _, Func<NetworkDefinition> network, string message)
    {
        var reports = new List<EpochReport>();
        var (ml, pipeline, _) = Pipeline(network(), progress: new SynchronousProgress<EpochReport>(reports.Add));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Fit(SyntheticData.View(ml, SyntheticData.Blobs(60, 1))));
        Assert.Equal("CustomNetwork", ex.ParamName);
        Assert.StartsWith(message, ex.Message);
        Assert.Empty(reports);
    }
}
