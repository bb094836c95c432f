using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetDeep.Trainers;
using Review = MlNetDeep.Estimators.Tests.TextClassifierTests.Review;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// Texts longer than MaximumLength under LongerTexts = Reject: Fit fails in its data scan, scoring fails inside the
/// ONNX graph (through PredictionEngine, Transform and after Save/Load), and texts that fit score as with Truncate.
/// </summary>
public class LongTextTests
{
    private const int MaximumLength = 16;

    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }

    // Plain lower-case words, so the token count is the word count.
    private static string Words(int count) => string.Join(" ", Enumerable.Range(0, count).Select(i => i % 3 == 0 ? "great" : "movie"));

    private static TextClassifier.Options Options(TextNetwork network, LongTextHandling longerTexts, string textColumn = "Text") => new()
    {
        Network = network, TextColumnName = textColumn, MaximumLength = MaximumLength, LongerTexts = longerTexts, EmbeddingSize = 8,
        Cnn = new TextCnnArchitecture { FiltersPerKernel = 8 }, Recurrent = new RecurrentArchitecture { HiddenSize = 8 }, NumberOfEpochs = 2, BatchSize = 16, LearningRate = 0.01f, Seed = 2,
    };

    private static IEstimator<ITransformer> Pipeline(MLContext ml, TextClassifier.Options options) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.CopyColumns(options.TextColumnName, "Text"))
            .Append(ml.DeepLearning().MulticlassClassification.Text(options));

    private static string NodeName(string textColumn) => $"{textColumn}_has_more_than_{MaximumLength}_tokens_LongerTexts_Reject";

    /// <summary>The ONNX Runtime error in <paramref name="ex"/> or its inner exceptions (ML.NET's parallel cursors wrap it).</summary>
    private static OnnxRuntimeException OnnxError(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is OnnxRuntimeException onnx) return onnx;
        throw new Xunit.Sdk.XunitException($"No OnnxRuntimeException in {ex}");
    }

    private static void AssertRejected(Exception ex, string textColumn, int tokens)
    {
        string message = OnnxError(ex).Message;
        Assert.Contains($"Name:'{NodeName(textColumn)}'", message);
        Assert.Contains($"Input shape:{{1,{tokens}}}, requested shape:{{1,{MaximumLength}}}", message);
    }

    [Fact]
    public void DefaultIsTruncateAndUnknownValuesAreRejected()
    {
        Assert.Equal(LongTextHandling.Truncate, new TextClassifier.Options().LongerTexts);
        var options = new TextClassifier.Options { LongerTexts = (LongTextHandling)7 };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().DeepLearning().MulticlassClassification.Text(options));
        Assert.Equal("LongerTexts", ex.ParamName);
        Assert.Contains("LongerTexts", ex.Message);
    }

    [Theory]
    [InlineData(TextNetwork.Cnn)]
    [InlineData(TextNetwork.Recurrent)]
    public void FitRejectsALongTrainingTextBeforeTraining(TextNetwork network)
    {
        var rows = TextClassifierTests.Reviews(40, 1);
        rows[5].Text = Words(MaximumLength + 4) + "!";
        var ex = FitFails(ml => Options(network, LongTextHandling.Reject, "Review"), ml => ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(
            "Column 'Review' has 20 tokens in row 5 of the training data, more than the 16 the network reads. " +
            "LongerTexts is Reject: set LongerTexts = Truncate to keep the first 16 tokens, or raise MaximumLength.", ex.Message);
    }

    [Fact]
    public void FitRejectsALongValidationText()
    {
        var validation = TextClassifierTests.Reviews(10, 3);
        validation[2].Text = Words(MaximumLength + 1);
        var ex = FitFails(ml =>
            {
                var options = Options(TextNetwork.Cnn, LongTextHandling.Reject);
                options.ValidationSet = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(TextClassifierTests.Reviews(40, 1)))
                    .Transform(ml.Data.LoadFromEnumerable(validation));
                return options;
            },
            ml => ml.Data.LoadFromEnumerable(TextClassifierTests.Reviews(40, 1)));
        Assert.StartsWith("Column 'Text' has 17 tokens in row 2 of the validation data", ex.Message);
    }

    [Fact]
    public void FitAcceptsTextsOfExactlyMaximumLength()
    {
        var ml = new MLContext(seed: 1);
        var rows = TextClassifierTests.Reviews(40, 1);
        rows[5].Text = Words(MaximumLength);
        Assert.NotNull(Pipeline(ml, Options(TextNetwork.Cnn, LongTextHandling.Reject)).Fit(ml.Data.LoadFromEnumerable(rows)));
    }

    /// <summary>Fits with Reject; expects the scan's error, no epoch report and nothing under MLContext.TempFilePath.</summary>
    private static InvalidOperationException FitFails(Func<MLContext, TextClassifier.Options> options, Func<MLContext, IDataView> data)
    {
        string dir = Directory.CreateTempSubdirectory("mlnetdeep-long-text-").FullName;
        try
        {
            var ml = new MLContext(seed: 1) { TempFilePath = dir };
            var reports = new List<EpochReport>();
            var o = options(ml);
            o.Progress = new SynchronousProgress<EpochReport>(reports.Add);
            var ex = Assert.Throws<InvalidOperationException>(() => Pipeline(ml, o).Fit(data(ml)));
            Assert.Empty(reports);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
            return ex;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(TextNetwork.Cnn, "Text")]
    [InlineData(TextNetwork.Recurrent, "Body")]
    public void ScoringRejectsALongTextAndShortTextsScoreAsWithTruncate(TextNetwork network, string textColumn)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(TextClassifierTests.Reviews(100, 1));
        var rejectOptions = Options(network, LongTextHandling.Reject, textColumn);
        var trainer = ml.DeepLearning().MulticlassClassification.Text(rejectOptions);
        var reject = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.CopyColumns(textColumn, "Text")).Append(trainer).Fit(train);
        var truncate = Pipeline(ml, Options(network, LongTextHandling.Truncate, textColumn)).Fit(train);
        using (var session = new InferenceSession(trainer.LastTrainingReport!.OnnxModel))
            Assert.Equal("Reject", session.ModelMetadata.CustomMetadataMap["mlnetdeep.longer_texts"]);

        // Texts that fit (empty, shorter, exactly MaximumLength) score exactly as with Truncate.
        var fitting = TextClassifierTests.Reviews(20, 2).Append(new Review { Text = "" }).Append(new Review { Text = Words(MaximumLength) + "!" }).ToList();
        var rejectEngine = ml.Model.CreatePredictionEngine<Review, Prediction>(reject);
        var truncateEngine = ml.Model.CreatePredictionEngine<Review, Prediction>(truncate);
        foreach (var review in fitting) Assert.Equal(truncateEngine.Predict(review).Score, rejectEngine.Predict(review).Score);

        // A longer text: Truncate scores it, Reject fails in ONNX Runtime naming the node (column and maximum) and both shapes.
        var longer = new Review { Text = Words(MaximumLength + 4) };
        Assert.Equal(2, truncateEngine.Predict(longer).Score.Length);
        AssertRejected(Assert.Throws<OnnxRuntimeException>(() => rejectEngine.Predict(longer)), textColumn, 20);

        // Transform is lazy: the error comes when the scored column is read (ML.NET may wrap it: see OnnxError).
        var scored = reject.Transform(ml.Data.LoadFromEnumerable(fitting.Append(longer)));
        AssertRejected(Assert.ThrowsAny<Exception>(() => scored.GetColumn<float[]>("Score").ToArray()), textColumn, 20);
        Assert.Equal(fitting.Count, reject.Transform(ml.Data.LoadFromEnumerable(fitting)).GetColumn<float[]>("Score").Count());

        // The saved model behaves the same in a fresh MLContext.
        using var stream = new MemoryStream();
        ml.Model.Save(reject, train.Schema, stream);
        stream.Position = 0;
        var fresh = new MLContext();
        var loaded = fresh.Model.Load(stream, out _);
        var loadedEngine = fresh.Model.CreatePredictionEngine<Review, Prediction>(loaded);
        foreach (var review in fitting) Assert.Equal(rejectEngine.Predict(review).Score, loadedEngine.Predict(review).Score);
        AssertRejected(Assert.Throws<OnnxRuntimeException>(() => loadedEngine.Predict(longer)), textColumn, 20);
        var reloadedScores = loaded.Transform(fresh.Data.LoadFromEnumerable(new[] { longer }));
        AssertRejected(Assert.ThrowsAny<Exception>(() => reloadedScores.GetColumn<float[]>("Score").ToArray()), textColumn, 20);
    }
}
