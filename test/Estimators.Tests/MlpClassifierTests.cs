using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Estimators.Tests.Support;
using MlNetDeep.Trainers;

namespace MlNetDeep.Estimators.Tests;

public class MlpClassifierTests
{
    private static MlpClassifier.Options FastOptions(int seed = 3) => new()
    {
        HiddenLayers = [16], NumberOfEpochs = 8, BatchSize = 16, LearningRate = 0.01f, Seed = seed,
    };

    private static (MLContext ml, IEstimator<ITransformer> pipeline, MlpClassifier trainer) Pipeline(MlpClassifier.Options options)
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.DeepLearning().MulticlassClassification.Mlp(options);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(trainer)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));
        return (ml, pipeline, trainer);
    }

    [Fact]
    public void LearnsInsidePipelineAndEvaluates()
    {
        var (ml, pipeline, _) = Pipeline(FastOptions());
        var train = SyntheticData.View(ml, SyntheticData.Blobs(400, 1));
        var test = SyntheticData.View(ml, SyntheticData.Blobs(200, 2));
        var model = pipeline.Fit(train);
        var scored = model.Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.True(metrics.MicroAccuracy > 0.95, $"accuracy {metrics.MicroAccuracy}");
        Assert.True(metrics.LogLoss < 0.3, $"log-loss {metrics.LogLoss}");

        // Score holds K probabilities (ONNX Runtime's [1, K] row); PredictedLabel is a key carrying the label's own text values.
        var scoreType = Assert.IsType<VectorDataViewType>(scored.Schema["Score"].Type);
        Assert.Equal(NumberDataViewType.Single, scoreType.ItemType);
        Assert.Equal(3, scoreType.Size);
        Assert.Equal(3UL, Assert.IsType<KeyDataViewType>(scored.Schema["PredictedLabel"].Type).Count);
        Assert.Equal(TextDataViewType.Instance, scored.Schema["PredictedClass"].Type);
        var predicted = scored.GetColumn<string>("PredictedClass").ToArray();
        Assert.Subset(new HashSet<string>(SyntheticData.Classes), new HashSet<string>(predicted));
        // The predicted key and the label key share their key values, so comparing keys compares classes.
        var truth = SyntheticData.Blobs(200, 2).Select(r => r.Label).ToArray();
        Assert.True(truth.Zip(predicted).Count(p => p.First == p.Second) > 190);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        Assert.All(scores, s => Assert.Equal(1f, s.Sum(), 4));
        Assert.Equal(truth.Length, predicted.Length);
    }

    [Fact]
    public void Workout()
    {
        // Schema before Fit = after, missing columns named, Save → Load in a fresh context gives identical scores.
        var (ml, pipeline, _) = Pipeline(FastOptions());
        var test = SyntheticData.Blobs(50, 5);
        var model = EstimatorWorkout.Run<BlobRow, ClassPrediction>(ml, pipeline, SyntheticData.View(ml, SyntheticData.Blobs(300, 1)), test, ["Features", "Label"]);
        var predicted = ml.Data.CreateEnumerable<ClassPrediction>(model.Transform(SyntheticData.View(ml, test)), reuseRowObject: false);
        Assert.All(predicted, p => Assert.Contains(p.PredictedClass, SyntheticData.Classes));
    }

    [Fact]
    public void SameSeedGivesIdenticalModelDifferentSeedDoesNot()
    {
        byte[] Train(int seed)
        {
            var (ml, pipeline, trainer) = Pipeline(FastOptions(seed));
            pipeline.Fit(SyntheticData.View(ml, SyntheticData.Blobs(200, 1)));
            return trainer.LastTrainingReport!.OnnxModel;
        }
        Assert.Equal(Train(7), Train(7));
        Assert.NotEqual(Train(7), Train(8));
    }

    [Fact]
    public void SeedFromMlContextIsDeterministic()
    {
        byte[] Train()
        {
            var ml = new MLContext(seed: 42);
            var trainer = ml.DeepLearning().MulticlassClassification.Mlp(hiddenLayers: [8], numberOfEpochs: 2);
            ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(SyntheticData.View(ml, SyntheticData.Blobs(100, 1)));
            return trainer.LastTrainingReport!.OnnxModel;
        }
        Assert.Equal(Train(), Train());
    }

    [Fact]
    public void ProgressAndLogReportEveryEpoch()
    {
        var reports = new List<EpochReport>();
        var options = FastOptions();
        options.Progress = new SynchronousProgress<EpochReport>(reports.Add);
        var (ml, pipeline, trainer) = Pipeline(options);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.StartsWith("MlNetDeep", StringComparison.Ordinal)) lock (messages) messages.Add(e.Message); };
        pipeline.Fit(SyntheticData.View(ml, SyntheticData.Blobs(200, 1)));
        Assert.Equal(Enumerable.Range(1, 8), reports.Select(r => r.Epoch));
        Assert.True(reports[^1].TrainingLoss < reports[0].TrainingLoss);
        Assert.Equal(8, messages.Count(m => m.Contains("training loss", StringComparison.Ordinal)));
        Assert.Equal(reports.Select(r => r.TrainingLoss), trainer.LastTrainingReport!.History.Select(r => r.TrainingLoss));
    }

    [Fact]
    public void EarlyStoppingKeepsTheBestEpochsWeights()
    {
        var ml = new MLContext(seed: 1);
        // Tiny noisy training set + big network: validation loss turns up quickly.
        var noisy = SyntheticData.Blobs(60, 11);
        foreach (var row in noisy.Take(20)) row.Label = SyntheticData.Classes[(Array.IndexOf(SyntheticData.Classes, row.Label) + 1) % 3];
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label").Fit(SyntheticData.View(ml, noisy));
        var train = toKey.Transform(SyntheticData.View(ml, noisy));
        var validation = toKey.Transform(SyntheticData.View(ml, SyntheticData.Blobs(200, 12)));
        var trainer = ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options
        {
            HiddenLayers = [64, 64], NumberOfEpochs = 200, BatchSize = 8, LearningRate = 0.01f, Seed = 1,
            ValidationSet = validation, EarlyStoppingPatience = 3,
        });
        var model = trainer.Fit(train);
        var report = trainer.LastTrainingReport!;
        Assert.True(report.History.Count < 200, "early stopping should end training");
        var best = report.History.MinBy(r => r.ValidationLoss!.Value)!;
        Assert.Equal(best.Epoch, report.BestEpoch);
        Assert.Equal(report.History.Count, report.BestEpoch + 3);
        // The returned model is the best epoch's: its validation log-loss equals that epoch's validation loss.
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(validation));
        Assert.Equal(best.ValidationLoss!.Value, metrics.LogLoss, 3);
        Assert.Equal(best.ValidationMetric!.Value, metrics.MicroAccuracy, 6);
    }

    [Fact]
    public void CancellationStopsTraining()
    {
        using var cts = new CancellationTokenSource();
        var options = FastOptions();
        options.NumberOfEpochs = 50;
        options.CancellationToken = cts.Token;
        options.Progress = new SynchronousProgress<EpochReport>(r => { if (r.Epoch == 2) cts.Cancel(); });
        var (ml, pipeline, trainer) = Pipeline(options);
        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Fit(SyntheticData.View(ml, SyntheticData.Blobs(200, 1))));
        Assert.Null(trainer.LastTrainingReport);
    }
}

/// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
