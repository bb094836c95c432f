using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Estimators.Tests.Support;
using SequenceRow = MlNetDeep.Estimators.Tests.CustomSequenceNetworkTests.SequenceRow;

namespace MlNetDeep.Estimators.Tests;

public class RecurrentEstimatorTests
{
    // A noisy seasonal series with a trend: period 12, like monthly data.
    private static float[] Series(int n, int seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(t => 300 + 0.5f * t + 10 * MathF.Sin(2 * MathF.PI * t / 12) + 0.5f * (float)rng.NextGaussian()).ToArray();
    }

    private static RecurrentRegressor.Options Options(RecurrentCellKind cell = RecurrentCellKind.Lstm) => new()
    {
        Recurrent = new RecurrentArchitecture { Cell = cell, HiddenSize = 16 }, NumberOfEpochs = 40, BatchSize = 16, LearningRate = 0.01f, Seed = 3,
    };

    [Theory]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    public void ForecastBeatsSeasonalNaiveAndRoundTrips(RecurrentCellKind cell)
    {
        var ml = new MLContext(seed: 1);
        var series = Series(240, 1);
        var windows = SeriesWindows.Create(series, 24);
        var train = windows.Take(150).ToList();
        var test = windows.Skip(150).Where(w => !float.IsNaN(w.Label)).ToList();
        var trainer = ml.DeepLearning().Regression.Recurrent(Options(cell));
        var model = EstimatorWorkout.Run<SeriesWindow, ValuePrediction>(ml, trainer, SeriesWindows.ToDataView(ml, train), test, ["Features", "Label"],
            WindowSchema(24));
        var predictions = model.Transform(SeriesWindows.ToDataView(ml, test)).GetColumn<float>("Score").ToArray();
        double rmse = Math.Sqrt(test.Select((w, i) => Math.Pow(w.Label - predictions[i], 2)).Average());
        // Seasonal naive: the value one period (12 steps) earlier, i.e. Features[T − 12].
        double naive = Math.Sqrt(test.Select(w => Math.Pow(w.Label - w.Features[^12], 2)).Average());
        Assert.True(rmse < naive, $"RMSE {rmse:F3} vs seasonal naive {naive:F3}");
        Assert.Equal("recurrent", OnnxMetadata(trainer.LastTrainingReport!.OnnxModel, "mlnetdeep.architecture"));
    }

    [Fact]
    public void ClassifiesNumericSequencesAndEvaluates()
    {
        var ml = new MLContext(seed: 1);
        // Class by shape: rising, falling or oscillating sequences of 10 steps with 2 features each.
        var rows = CustomSequenceNetworkTests.Sequences(300, 2);
        var data = ml.Data.LoadFromEnumerable(rows);
        var split = ml.Data.TrainTestSplit(data, 0.3, seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.DeepLearning().MulticlassClassification.Recurrent(
            new RecurrentClassifier.Options { FeaturesPerStep = 2, Recurrent = new RecurrentArchitecture { Cell = RecurrentCellKind.Gru, Bidirectional = true, HiddenSize = 8 }, NumberOfEpochs = 15, LearningRate = 0.01f, Seed = 1 }));
        var model = EstimatorWorkout.Run<SequenceRow, SequencePrediction>(ml, pipeline, split.TrainSet, rows.Take(10).ToList(), ["Features", "Label"]);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        Assert.True(metrics.MicroAccuracy > 0.95, $"accuracy {metrics.MicroAccuracy}");
    }

    [Fact]
    public void BadSeriesInputIsExplained()
    {
        var short_ = Assert.Throws<ArgumentException>(() => SeriesWindows.Create([1f, 2f, 3f], 3));
        Assert.Contains("need at least 4", short_.Message);
        var nan = Assert.Throws<ArgumentException>(() => SeriesWindows.Create([1f, float.NaN, 3f, 4f], 2));
        Assert.Contains("position 1", nan.Message);
        var ml = new MLContext();
        Assert.Equal("FeaturesPerStep", Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.DeepLearning().Regression.Recurrent(new RecurrentRegressor.Options { FeaturesPerStep = 0 })).ParamName);
        var hidden = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.DeepLearning().Regression.Recurrent(new RecurrentRegressor.Options { Recurrent = new RecurrentArchitecture { HiddenSize = 0 } }));
        Assert.Equal("Recurrent", hidden.ParamName);
        Assert.Contains("HiddenSize must be at least 1", hidden.Message);
        // A window size that is not a multiple of FeaturesPerStep.
        var data = SeriesWindows.ToDataView(ml, SeriesWindows.Create(Series(20, 1), 5));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.DeepLearning().Regression.Recurrent(new RecurrentRegressor.Options { FeaturesPerStep = 2, Seed = 1 }).Fit(data));
        Assert.Contains("multiple of FeaturesPerStep = 2", ex.Message);
        // An empty sequence (a zero-length window column) is rejected before training.
        var empty = ml.Data.LoadFromEnumerable(new[] { new EmptyWindow(), new EmptyWindow { Label = 1 } });
        var emptyError = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.DeepLearning().Regression.Recurrent(new RecurrentRegressor.Options { Seed = 1 }).Fit(empty));
        Assert.Contains("Schema mismatch for input column 'Features'", emptyError.Message);
    }

    [Fact]
    public void LongerWindowAtScoringIsRejectedWithTheExpectedShape()
    {
        var ml = new MLContext(seed: 1);
        var options = Options();
        options.NumberOfEpochs = 1;
        var model = ml.DeepLearning().Regression.Recurrent(options)
            .Fit(SeriesWindows.ToDataView(ml, SeriesWindows.Create(Series(40, 1), 6).Where(w => !float.IsNaN(w.Label)).ToList()));
        var longer = SeriesWindows.ToDataView(ml, SeriesWindows.Create(Series(40, 1), 9));
        var ex = Assert.Throws<InvalidOperationException>(() => model.Transform(longer)); // before any row is read
        Assert.Equal("Input shape mismatch: Input 'Features' has shape 1,6, but input data is of length 9.", ex.Message);
    }

    [Theory]
    [InlineData(30)] // 15 steps of 2 values, trained on 10
    [InlineData(10)]
    public void ClassifierRejectsASequenceOfAnotherLengthWithTheExpectedShape(int values)
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 40).Select(i => new SequenceRow
        {
            Features = Enumerable.Range(0, 20).Select(t => (i % 2 == 0 ? 1f : -1f) * t).ToArray(), Label = i % 2 == 0 ? "up" : "down",
        }).ToList();
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.DeepLearning().MulticlassClassification.Recurrent(
            new RecurrentClassifier.Options { FeaturesPerStep = 2, Recurrent = new RecurrentArchitecture { HiddenSize = 4 }, NumberOfEpochs = 1, Seed = 1 })).Fit(ml.Data.LoadFromEnumerable(rows));
        var other = new SequenceRow { Features = new float[values], Label = "up" };
        var schema = SchemaDefinition.Create(typeof(SequenceRow));
        schema[nameof(SequenceRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, values);
        string expected = $"Input shape mismatch: Input 'Features' has shape 1,20, but input data is of length {values}.";

        // ML.NET's OnnxTransformer compares the column's size with the model input's as soon as it meets the schema:
        // in Transform itself and when the prediction engine is created, before any row is read.
        var view = ml.Data.LoadFromEnumerable([other], schema);
        Assert.Equal(expected, Assert.Throws<InvalidOperationException>(() => model.Transform(view)).Message);
        Assert.Equal(expected, Assert.Throws<InvalidOperationException>(() =>
            ml.Model.CreatePredictionEngine<SequenceRow, ClassPrediction>(model, inputSchemaDefinition: schema)).Message);
    }

    private static SchemaDefinition WindowSchema(int size)
    {
        var schema = SchemaDefinition.Create(typeof(SeriesWindow));
        schema[nameof(SeriesWindow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return schema;
    }

    private static string OnnxMetadata(byte[] model, string key)
    {
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model);
        return session.ModelMetadata.CustomMetadataMap[key];
    }

    private sealed class EmptyWindow
    {
        [VectorType(0)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }


    private sealed class SequencePrediction
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }
}
