using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Estimators.Tests.Support;
using static MlNetDeep.Estimators.Tests.TextClassifierTests;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// User-defined networks (CustomNetwork) in the text and numeric-sequence trainers: a text CNN and a text LSTM on token ids,
/// a convolution + LSTM on numeric sequences, each learning its synthetic task through the workout (schema, Save → Load,
/// PredictionEngine) with the summary logged and "custom" in the ONNX metadata; networks that do not fit rejected
/// before training.
/// </summary>
public class CustomSequenceNetworkTests
{
    private static TextClassifier.Options TextOptions(NetworkDefinition network, IProgress<EpochReport>? progress = null) => new()
    {
        CustomNetwork = network, MaximumLength = 16, NumberOfEpochs = 6, BatchSize = 16, LearningRate = 0.01f, Seed = 2, Progress = progress,
    };

    private static IEstimator<ITransformer> TextPipeline(MLContext ml, TextClassifier.Options options) => TextPipeline(ml, ml.DeepLearning().MulticlassClassification.Text(options));

    private static IEstimator<ITransformer> TextPipeline(MLContext ml, TextClassifier trainer) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSentiment", "PredictedLabel"));

    public static TheoryData<string, Func<NetworkDefinition>, string> TextNetworks => new()
    {
        { "cnn", () => new NetworkDefinition().Embedding(16).Conv1d(16, 3).Relu().GlobalMaxPool1d().Dropout(0.5f).Dense(2), "Conv1d(16, 3, stride 1, padding 0)" },
        { "lstm", () => new NetworkDefinition().Embedding(16).Lstm(16, bidirectional: true).Dense(2), "Lstm(16, bidirectional)" },
        { "gru sequences", () => new NetworkDefinition().Embedding(16).Gru(16, returnSequences: true).MaxPool1d(2).GlobalMaxPool1d().Dense(2), "Gru(16, sequences)" },
    };

    [Theory]
    [MemberData(nameof(TextNetworks))]
    public void ACustomTextNetworkLearnsSentimentAndRoundTrips(string _, Func<NetworkDefinition> network, string layer)
    {
        var log = new List<string>();
        var ml = new MLContext(seed: 1);
        ml.Log += (_, e) => { if (e.Source.StartsWith("MlNetDeep", StringComparison.Ordinal)) lock (log) log.Add(e.Message); };
        var definition = network();
        var trainer = ml.DeepLearning().MulticlassClassification.Text(TextOptions(definition));
        var test = Reviews(100, 2);
        var model = EstimatorWorkout.Run<Review, ReviewPrediction>(ml, TextPipeline(ml, trainer), ml.Data.LoadFromEnumerable(Reviews(400, 1)),
            [.. test.Take(20), new Review { Text = "" }, new Review { Text = "zzz unseen words only" }], ["Text", "Label"]);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(test)));
        Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy}");
        Assert.Contains(log, l => l.Contains("user-defined network:", StringComparison.Ordinal) && l.Contains("Embedding(16)", StringComparison.Ordinal)
            && l.Contains(layer, StringComparison.Ordinal));
        byte[] onnx = trainer.LastTrainingReport!.OnnxModel;
        Assert.Equal("custom", OnnxMetadata(onnx, "mlnetdeep.architecture"));
        Assert.Equal(definition.ToString(), OnnxMetadata(onnx, "mlnetdeep.layers"));
        Assert.Equal("16", OnnxMetadata(onnx, "mlnetdeep.maximum_length"));
    }

    public static TheoryData<string, Func<NetworkDefinition>> NumericNetworks => new()
    {
        // (10, 2) → Conv1d (10, 8) → LSTM final state (8) → (3).
        { "conv lstm", () => new NetworkDefinition().Conv1d(8, 3, padding: 1).Relu().Lstm(8).Dense(3) },
        // (10, 2) → Conv1d (9, 8): a kernel of 2 sees each step's change → mean over time (8) → (3).
        { "conv average", () => new NetworkDefinition().Conv1d(8, 2).Relu().GlobalAveragePool1d().Dense(3) },
    };

    [Theory]
    [MemberData(nameof(NumericNetworks))]
    public void ACustomNumericSequenceNetworkLearnsAndRoundTrips(string _, Func<NetworkDefinition> network)
    {
        var ml = new MLContext(seed: 1);
        var rows = Sequences(300, 2);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), 0.3, seed: 1);
        var trainer = ml.DeepLearning().MulticlassClassification.Recurrent(new RecurrentClassifier.Options
        {
            FeaturesPerStep = 2, CustomNetwork = network(),
            NumberOfEpochs = 15, LearningRate = 0.01f, Seed = 1,
        });
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer);
        var model = EstimatorWorkout.Run<SequenceRow, SequencePrediction>(ml, pipeline, split.TrainSet, rows.Take(10).ToList(), ["Features", "Label"]);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy}");
        Assert.Equal("custom", OnnxMetadata(trainer.LastTrainingReport!.OnnxModel, "mlnetdeep.architecture"));
    }

    [Fact]
    public void ACustomRecurrentRegressorForecastsBetterThanSeasonalNaive()
    {
        var ml = new MLContext(seed: 1);
        var series = Enumerable.Range(0, 240).Select(t => 300 + 0.5f * t + 10 * MathF.Sin(2 * MathF.PI * t / 12)).ToArray();
        var windows = SeriesWindows.Create(series, 24);
        var train = windows.Take(150).ToList();
        var test = windows.Skip(150).Where(w => !float.IsNaN(w.Label)).ToList();
        // Windows of 24 steps of 1 value (changes from the last step, ForecastChanges): (24, 1) → GRU (16) → (1).
        var trainer = ml.DeepLearning().Regression.Recurrent(new RecurrentRegressor.Options
        {
            CustomNetwork = new NetworkDefinition().Gru(16).Dense(1), NumberOfEpochs = 40, BatchSize = 16, LearningRate = 0.01f, Seed = 3,
        });
        var model = trainer.Fit(SeriesWindows.ToDataView(ml, train));
        var predictions = model.Transform(SeriesWindows.ToDataView(ml, test)).GetColumn<float>("Score").ToArray();
        double rmse = Math.Sqrt(test.Select((w, i) => Math.Pow(w.Label - predictions[i], 2)).Average());
        double naive = Math.Sqrt(test.Select(w => Math.Pow(w.Label - w.Features[^12], 2)).Average()); // the value one period earlier
        Assert.True(rmse < naive, $"RMSE {rmse:F3} vs seasonal naive {naive:F3}");
        Assert.Equal("custom", OnnxMetadata(trainer.LastTrainingReport!.OnnxModel, "mlnetdeep.architecture"));
    }

    public static TheoryData<string, Func<NetworkDefinition>, string> TextMisfits => new()
    {
        { "no embedding", () => new NetworkDefinition().Dense(2), "CustomNetwork: Layer 1 (Dense(2)) gets token ids (16): start a text network with Embedding(dimensions)." },
        { "output size", () => new NetworkDefinition().Embedding(8).GlobalMaxPool1d().Dense(3),
            "CustomNetwork: The network ends with output shape (3) (layer 3, Dense(3)); the label's 2 classes take (2): end it with Dense(2)." },
        { "kernel past the text", () => new NetworkDefinition().Embedding(8).Conv1d(4, 20).GlobalMaxPool1d().Dense(2),
            "CustomNetwork: Layer 2 (Conv1d(4, 20, stride 1, padding 0)) expects a sequence of at least 20 steps (with padding 0) but gets (16, 8)" },
    };

    [Theory]
    [MemberData(nameof(TextMisfits))]
    public void ATextNetworkThatDoesNotFitIsRejectedBeforeTraining(string _, Func<NetworkDefinition> network, string message)
    {
        var reports = new List<EpochReport>();
        var ml = new MLContext(seed: 1);
        var options = TextOptions(network(), new SynchronousProgress<EpochReport>(reports.Add));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TextPipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(Reviews(40, 1))));
        Assert.Equal("CustomNetwork", ex.ParamName);
        Assert.StartsWith(message, ex.Message);
        Assert.Empty(reports);
    }

    [Fact]
    public void ANumericSequenceNetworkThatDoesNotFitIsRejectedBeforeTraining()
    {
        var reports = new List<EpochReport>();
        var ml = new MLContext(seed: 1);
        var trainer = ml.DeepLearning().MulticlassClassification.Recurrent(new RecurrentClassifier.Options
        {
            FeaturesPerStep = 2, CustomNetwork = new NetworkDefinition().Lstm(8, returnSequences: true).Dense(3), Seed = 1,
            Progress = new SynchronousProgress<EpochReport>(reports.Add),
        });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(ml.Data.LoadFromEnumerable(Sequences(30, 1))));
        Assert.Equal("CustomNetwork", ex.ParamName);
        Assert.StartsWith("CustomNetwork: Layer 2 (Dense(3)) expects a vector (F) but gets (10, 8): add a recurrent layer without returnSequences, GlobalMaxPool1d() or Flatten() before it.", ex.Message);
        Assert.Empty(reports);
    }

    /// <summary>Rising, falling or oscillating sequences of 10 steps (first feature), with a noise feature: (10, 2) per row (RecurrentEstimatorTests reads them too).</summary>
    internal static List<SequenceRow> Sequences(int n, int seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(i =>
        {
            int c = i % 3;
            var values = new float[20];
            for (int t = 0; t < 10; t++)
            {
                float v = c == 0 ? t / 10f : c == 1 ? 1 - t / 10f : (t % 2 == 0 ? 1 : 0);
                values[2 * t] = v + 0.1f * (float)rng.NextGaussian();
                values[2 * t + 1] = (float)rng.NextGaussian();
            }
            return new SequenceRow { Features = values, Label = new[] { "up", "down", "zigzag" }[c] };
        }).ToList();
    }

    private static string OnnxMetadata(byte[] model, string key)
    {
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model);
        return session.ModelMetadata.CustomMetadataMap[key];
    }

    /// <summary>A labelled sequence of 10 steps × 2 features (RecurrentEstimatorTests uses it too).</summary>
    internal sealed class SequenceRow
    {
        [VectorType(20)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    private sealed class SequencePrediction
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }
}
