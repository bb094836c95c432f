using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Estimators.Tests.Support;
using MlNetDeep.Trainers;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// Every bad input fails with a message naming the column or option and what was expected, before any
/// training starts (no progress report), and leaves nothing on disk.
/// </summary>
public class BadInputTests
{
    private sealed class DoubleRow
    {
        [VectorType(2)] public double[] Features { get; set; } = [];
        public uint Label { get; set; }
    }

    private sealed class FloatLabelRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class WideRow
    {
        [VectorType(5)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    private static readonly List<EpochReport> Reports = [];

    private static (MLContext ml, string tempDir) Context()
    {
        string dir = Directory.CreateTempSubdirectory("mlnetdeep-bad-input-").FullName;
        return (new MLContext(seed: 1) { TempFilePath = dir }, dir);
    }

    private static MlpClassifier.Options Options() => new()
    {
        HiddenLayers = [4], NumberOfEpochs = 2, Seed = 1, Progress = new SynchronousProgress<EpochReport>(Reports.Add),
    };

    /// <summary>Fits, expects <typeparamref name="T"/> whose message contains every fragment, and checks nothing trained or was written.</summary>
    private static T FitFails<T>(Func<MLContext, IEstimator<ITransformer>> pipeline, Func<MLContext, IDataView> data, params string[] fragments)
        where T : Exception
    {
        var (ml, dir) = Context();
        try
        {
            lock (Reports)
            {
                Reports.Clear();
                var ex = Assert.ThrowsAny<T>(() => pipeline(ml).Fit(data(ml)));
                foreach (string f in fragments) Assert.Contains(f, ex.Message);
                Assert.Empty(Reports);
                Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
                return ex;
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static MlpRegressor.Options RegressorOptions() => new() { Seed = 1, Progress = new SynchronousProgress<EpochReport>(Reports.Add) };

    [Fact]
    public void ProgressReachesReportsWhenTheDataIsGood()
    {
        // The control for FitFails' "nothing trained" check: with good data the same options do report epochs.
        lock (Reports)
        {
            Reports.Clear();
            var ml = new MLContext(seed: 1);
            var options = RegressorOptions();
            options.NumberOfEpochs = 2;
            ml.DeepLearning().Regression.Mlp(options).Fit(SyntheticData.View(ml, SyntheticData.Curve(20, 1)));
            Assert.Equal(2, Reports.Count);
            Reports.Clear();
            Classifier(ml).Fit(SyntheticData.View(ml, SyntheticData.Blobs(20, 1)));
            Assert.Equal(2, Reports.Count);
            Reports.Clear();
        }
    }

    private static IEstimator<ITransformer> Classifier(MLContext ml, MlpClassifier.Options? options = null) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.DeepLearning().MulticlassClassification.Mlp(options ?? Options()));

    [Fact]
    public void MissingFeatureColumn()
    {
        var options = Options();
        options.FeatureColumnName = "Pixels";
        FitFails<ArgumentOutOfRangeException>(ml => Classifier(ml, options), ml => SyntheticData.View(ml, SyntheticData.Blobs(20, 1)),
            "Could not find input column 'Pixels'");
    }

    [Fact]
    public void WrongFeatureType()
    {
        FitFails<ArgumentOutOfRangeException>(ml => ml.DeepLearning().MulticlassClassification.Mlp(Options()),
            ml => ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable([new DoubleRow { Features = [1, 2], Label = 1 }]))
                .Transform(ml.Data.LoadFromEnumerable([new DoubleRow { Features = [1, 2], Label = 1 }])),
            "'Features'", "expected known-size vector of Single", "Double");
    }

    [Fact]
    public void LabelThatIsNotAKey()
    {
        FitFails<ArgumentOutOfRangeException>(ml => ml.DeepLearning().MulticlassClassification.Mlp(Options()),
            ml => ml.Data.LoadFromEnumerable([new FloatLabelRow { Features = [1, 2], Label = 1 }]),
            "'Label'", "expected key type", "MapValueToKey");
    }

    [Fact]
    public void RegressionLabelThatIsNotSingle()
    {
        FitFails<ArgumentOutOfRangeException>(ml => ml.DeepLearning().Regression.Mlp(RegressorOptions()),
            ml => SyntheticData.View(ml, SyntheticData.Blobs(10, 1)), "'Label'", "expected Single", "String");
    }

    [Fact]
    public void EmptyTrainingData()
    {
        FitFails<InvalidOperationException>(ml => ml.DeepLearning().Regression.Mlp(RegressorOptions()),
            ml => SyntheticData.View(ml, new List<CurveRow>()), "training data has no rows");
    }

    [Fact]
    public void EmptyClassificationData()
    {
        // MapValueToKey over no rows gives Key<UInt32, 0-0>, which used to be reported as "a key with at least 2 classes".
        var ex = FitFails<ArgumentOutOfRangeException>(ml => Classifier(ml), ml => SyntheticData.View(ml, new List<BlobRow>()),
            "The training data is empty: it has no rows (label column 'Label').");
        Assert.DoesNotContain("0-0", ex.Message);
    }

    [Fact]
    public void NoLabelledRows()
    {
        var rows = SyntheticData.Blobs(6, 1);
        foreach (var row in rows) row.Label = "";
        FitFails<ArgumentOutOfRangeException>(ml => Classifier(ml), ml => SyntheticData.View(ml, rows),
            "The training data has no labelled rows: all 6 rows have a missing 'Label'");
    }

    [Fact]
    public void OneClassOnly()
    {
        var rows = SyntheticData.Blobs(6, 1);
        foreach (var row in rows) row.Label = "cat";
        rows[4].Label = "";
        var ex = FitFails<ArgumentOutOfRangeException>(ml => Classifier(ml), ml => SyntheticData.View(ml, rows),
            "The training data has one class only: every labelled row of 'Label' is 'cat' (5 of 6 rows); a classifier needs at least 2 classes.");
        Assert.DoesNotContain("Key<UInt32", ex.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void NonFiniteFeature(float bad, string shown)
    {
        var rows = SyntheticData.Blobs(30, 1);
        rows[17].Features[2] = bad;
        var ex = FitFails<InvalidOperationException>(ml => Classifier(ml), ml => SyntheticData.View(ml, rows),
            "Column 'Features'", "slot 2 of row 17", "features must be finite");
        Assert.Contains(shown, ex.Message);
    }

    [Fact]
    public void NonFiniteFeatureInValidationSet()
    {
        var validationRows = SyntheticData.Curve(10, 2);
        validationRows[3].Features[0] = float.NaN;
        FitFails<InvalidOperationException>(ml => ml.DeepLearning().Regression.Mlp(new MlpRegressor.Options
            {
                Seed = 1, ValidationSet = SyntheticData.View(ml, validationRows),
                Progress = new SynchronousProgress<EpochReport>(Reports.Add),
            }),
            ml => SyntheticData.View(ml, SyntheticData.Curve(20, 1)), "row 3 of the validation data");
    }

    [Fact]
    public void FeatureSizeDiffersBetweenTrainingAndScoring()
    {
        var ml = new MLContext(seed: 1);
        var model = Classifier(ml).Fit(SyntheticData.View(ml, SyntheticData.Blobs(50, 1)));
        var wide = ml.Data.LoadFromEnumerable([new WideRow { Features = [1, 2, 3, 4, 5], Label = "cat" }]);
        // ONNX Runtime's shape check (inside ML.NET's OnnxTransformer) fires on the first row read.
        var ex = Assert.Throws<InvalidOperationException>(() => model.Transform(wide).GetColumn<float[]>("Score").ToArray());
        Assert.Contains("'Features' has shape 1,4", ex.Message);
        Assert.Contains("length 5", ex.Message);
    }

    [Theory]
    [InlineData(nameof(MlpOptions.NumberOfEpochs))]
    [InlineData(nameof(MlpOptions.LearningRate))]
    [InlineData(nameof(MlpOptions.BatchSize))]
    [InlineData(nameof(MlpOptions.DropoutRate))]
    [InlineData(nameof(MlpOptions.HiddenLayers))]
    [InlineData(nameof(MlpOptions.EarlyStoppingPatience))]
    [InlineData(nameof(MlpOptions.LabelColumnName))]
    public void NonsensicalOptionsAreRejectedWhenTheTrainerIsCreated(string option)
    {
        var options = Options();
        switch (option)
        {
            case nameof(MlpOptions.NumberOfEpochs): options.NumberOfEpochs = 0; break;
            case nameof(MlpOptions.LearningRate): options.LearningRate = -0.1f; break;
            case nameof(MlpOptions.BatchSize): options.BatchSize = 0; break;
            case nameof(MlpOptions.DropoutRate): options.DropoutRate = 1f; break;
            case nameof(MlpOptions.HiddenLayers): options.HiddenLayers = [8, 0]; break;
            case nameof(MlpOptions.EarlyStoppingPatience): options.EarlyStoppingPatience = 0; break;
            case nameof(MlpOptions.LabelColumnName): options.LabelColumnName = " "; break;
        }
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().DeepLearning().MulticlassClassification.Mlp(options));
        Assert.Equal(option, ex.ParamName);
        Assert.Contains(option, ex.Message);
    }

    [Fact]
    public void ValidationSetWithOtherFeatureSizeIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label");
        var wide = ml.Data.LoadFromEnumerable([new WideRow { Features = [1, 2, 3, 4, 5], Label = "cat" }, new WideRow { Features = [1, 2, 3, 4, 5], Label = "dog" }]);
        var options = Options();
        options.ValidationSet = toKey.Fit(wide).Transform(wide);
        var train = SyntheticData.View(ml, SyntheticData.Blobs(20, 1));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.DeepLearning().MulticlassClassification.Mlp(options).Fit(toKey.Fit(train).Transform(train)));
        Assert.Equal("ValidationSet", ex.ParamName);
    }

    [Fact]
    public void ValidationSetKeyedByItsOwnMapValueToKeyIsRejectedWithTheValues()
    {
        // The same three classes, first seen in another order: key 1 means another class than in training.
        var ml = new MLContext(seed: 1);
        var train = SyntheticData.View(ml, SyntheticData.Blobs(30, 1));
        var validationRows = SyntheticData.Blobs(30, 2).OrderBy(r => r.Label == "bird" ? 0 : 1).ToList();
        var validation = SyntheticData.View(ml, validationRows);
        var options = Options();
        options.ValidationSet = ml.Transforms.Conversion.MapValueToKey("Label").Fit(validation).Transform(validation);
        var keyedTrain = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(train);
        lock (Reports)
        {
            Reports.Clear();
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Mlp(options).Fit(keyedTrain));
            Assert.Equal("ValidationSet", ex.ParamName);
            Assert.Contains("key 1 is 'bird' in ValidationSet", ex.Message);
            Assert.Contains("with the transformer fitted on the training data", ex.Message);
            Assert.Empty(Reports);
        }
    }

    [Fact]
    public void ValidationRowsWithLabelsUnknownToTrainingAreSkippedWithAWarning()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.Message); };
        var train = SyntheticData.View(ml, SyntheticData.Blobs(30, 1));
        var rows = SyntheticData.Blobs(20, 2);
        rows[0].Label = "fish";
        rows[1].Label = "fish";
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        var options = new MlpClassifier.Options { HiddenLayers = [4], NumberOfEpochs = 1, Seed = 1 };
        options.ValidationSet = keys.Transform(SyntheticData.View(ml, rows));
        ml.DeepLearning().MulticlassClassification.Mlp(options).Fit(keys.Transform(train));
        Assert.Contains(warnings, w => w.Contains("2 validation rows with a missing 'Label'", StringComparison.Ordinal) && w.Contains("training keys do not know"));
    }

    [Fact]
    public void ValidationSetWithAClassTheTrainingDataLacksIsRejectedWithTheValues()
    {
        // Keyed by its own MapValueToKey: the training keys in the training order, then one more class.
        var ml = new MLContext(seed: 1);
        var trainRows = SyntheticData.Blobs(30, 1);
        var validationRows = trainRows.Concat(SyntheticData.Blobs(3, 2).Select(r => new BlobRow { Features = r.Features, Label = "fish" })).ToList();
        var validation = SyntheticData.View(ml, validationRows);
        var options = Options();
        options.ValidationSet = ml.Transforms.Conversion.MapValueToKey("Label").Fit(validation).Transform(validation);
        var train = SyntheticData.View(ml, trainRows);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.DeepLearning().MulticlassClassification.Mlp(options).Fit(ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(train)));
        Assert.Equal("ValidationSet", ex.ParamName);
        Assert.Contains("ValidationSet has 4 keys and the training data 3", ex.Message);
        Assert.Contains("fish]", ex.Message);
    }

    [Fact]
    public void ValidationSetWhoseLabelsAreAllUnknownToTrainingIsRejected()
    {
        // Every validation row dropped would otherwise report a validation accuracy over no rows.
        var rows = SyntheticData.Blobs(5, 2);
        foreach (var row in rows) row.Label = "fish";
        FitFails<InvalidOperationException>(ml =>
            {
                var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(SyntheticData.View(ml, SyntheticData.Blobs(30, 1)));
                var options = Options();
                options.ValidationSet = keys.Transform(SyntheticData.View(ml, rows));
                return ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.DeepLearning().MulticlassClassification.Mlp(options));
            },
            ml => SyntheticData.View(ml, SyntheticData.Blobs(30, 1)),
            "The validation data has no rows with a label: all 5 rows have a missing 'Label'");
    }

    [Fact]
    public void ChangingTheOptionsAfterCreatingTheTrainerHasNoEffect()
    {
        // Options are copied and checked when the trainer is created: later changes cannot bypass the checks.
        var ml = new MLContext(seed: 1);
        var options = new MlpClassifier.Options { HiddenLayers = [4], NumberOfEpochs = 2, Seed = 1 };
        var reports = new List<EpochReport>();
        options.Progress = new SynchronousProgress<EpochReport>(reports.Add);
        var trainer = ml.DeepLearning().MulticlassClassification.Mlp(options);
        options.NumberOfEpochs = 0;
        options.BatchSize = 0;
        options.HiddenLayers[0] = 0;
        options.Progress = null;
        var train = SyntheticData.View(ml, SyntheticData.Blobs(30, 1));
        ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(train);
        Assert.Equal(2, reports.Count);
        Assert.Equal("4", OnnxMetadata(trainer.LastTrainingReport!.OnnxModel, "mlnetdeep.hidden_layers"));
    }

    private static string OnnxMetadata(byte[] model, string key)
    {
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model);
        return session.ModelMetadata.CustomMetadataMap[key];
    }
}
