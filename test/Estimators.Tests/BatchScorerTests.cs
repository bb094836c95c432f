using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// For every model kind: Save → Load in a fresh MLContext → <see cref="BatchScorer.Transform"/> gives the same columns and
/// identical values as the loaded model's Transform, for 203 rows (not a multiple of the batch of 64) and for batches of 1,
/// with the awkward rows of each kind (NaN features, empty and unknown text, long text, hard seq2seq sources) among them.
/// </summary>
public sealed class BatchScorerTests : IDisposable
{
    private const int Rows = 203;
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetdeep-batch-images-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Saves and loads the model in a fresh context, then compares batched scoring with Transform at batch sizes 64 and 1.</summary>
    internal static void AssertBatchedScoringIsTransform(MLContext ml, ITransformer model, DataViewSchema schema, Func<MLContext, IDataView> data, bool batched = true)
    {
        var fresh = new MLContext(seed: 1);
        var loaded = SaveLoad(ml, model, schema, fresh);
        var input = data(fresh);
        foreach (int batchSize in new[] { 64, 1 })
        {
            using var scorer = new BatchScorer(fresh, loaded, new BatchScoringOptions { BatchSize = batchSize });
            Assert.Equal(batched, scorer.IsBatched(input.Schema));
            Assert.Equal(Rows, BatchScorerAssert.SameData(loaded.Transform(input), scorer.Transform(input)));
        }
    }

    internal static ITransformer SaveLoad(MLContext ml, ITransformer model, DataViewSchema schema, MLContext fresh)
    {
        var stream = new MemoryStream();
        ml.Model.Save(model, schema, stream);
        stream.Position = 0;
        return fresh.Model.Load(stream, out _);
    }

    /// <summary>Blobs with a NaN, +∞ or −∞ in a few rows.</summary>
    internal static List<BlobRow> BlobsWithNonFinite(int n, int seed)
    {
        var rows = SyntheticData.Blobs(n, seed);
        float[] bad = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (int i = 5; i < n; i += 37) rows[i].Features[i % 4] = bad[i % 3];
        return rows;
    }

    internal static (MLContext Ml, ITransformer Model, IDataView Train) MlpClassifier()
    {
        var ml = new MLContext(seed: 1);
        var train = SyntheticData.View(ml, SyntheticData.Blobs(60, 1));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options { HiddenLayers = [8], NumberOfEpochs = 2, Seed = 1 }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"))
            .Fit(train);
        return (ml, model, train);
    }

    [Fact]
    public void MlpClassifier_BatchedEqualsTransform()
    {
        var (ml, model, train) = MlpClassifier();
        AssertBatchedScoringIsTransform(ml, model, train.Schema, m => SyntheticData.View(m, BlobsWithNonFinite(Rows, 2)));
    }

    [Fact]
    public void MlpRegressor_BatchedEqualsTransform()
    {
        var ml = new MLContext(seed: 1);
        var train = SyntheticData.View(ml, SyntheticData.Curve(60, 1));
        var model = ml.DeepLearning().Regression.Mlp(new MlpRegressor.Options { HiddenLayers = [8], NumberOfEpochs = 2, Seed = 1 }).Fit(train);
        AssertBatchedScoringIsTransform(ml, model, train.Schema, m =>
        {
            var rows = SyntheticData.Curve(Rows, 2);
            for (int i = 3; i < Rows; i += 41) rows[i].Features[i % 3] = float.NaN;
            return SyntheticData.View(m, rows);
        });
    }

    private sealed class SequenceRow
    {
        [VectorType(20)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    private static List<SequenceRow> Sequences(int n, int seed)
    {
        var rng = new Rng(seed);
        return [.. Enumerable.Range(0, n).Select(i => new SequenceRow
        {
            Features = [.. Enumerable.Range(0, 20).Select(_ => (float)rng.NextGaussian() + (i % 2))],
            Label = i % 2 == 0 ? "even" : "odd",
        })];
    }

    [Fact]
    public void RecurrentClassifier_BatchedEqualsTransform()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Sequences(40, 1));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.DeepLearning().MulticlassClassification.Recurrent(new RecurrentClassifier.Options
            {
                FeaturesPerStep = 2, Recurrent = new RecurrentArchitecture { Cell = RecurrentCellKind.Gru, Bidirectional = true, HiddenSize = 4 }, NumberOfEpochs = 1, Seed = 1,
            }))
            .Fit(train);
        AssertBatchedScoringIsTransform(ml, model, train.Schema, m =>
        {
            var rows = Sequences(Rows, 2);
            rows[7].Features[3] = float.NaN;
            return m.Data.LoadFromEnumerable(rows);
        });
    }

    [Fact]
    public void RecurrentForecaster_BatchedEqualsTransform()
    {
        var ml = new MLContext(seed: 1);
        var rng = new Rng(1);
        float[] series = [.. Enumerable.Range(0, Rows + 12).Select(t => 300 + 0.5f * t + 10 * MathF.Sin(2 * MathF.PI * t / 12) + (float)rng.NextGaussian())];
        var windows = SeriesWindows.Create(series, 12);
        var train = SeriesWindows.ToDataView(ml, [.. windows.Take(60)]);
        var model = ml.DeepLearning().Regression.Recurrent(new RecurrentRegressor.Options
        {
            Recurrent = new RecurrentArchitecture { Cell = RecurrentCellKind.Lstm, HiddenSize = 4 }, NumberOfEpochs = 1, Seed = 1,
        }).Fit(train);
        Assert.True(windows.Count >= Rows);
        AssertBatchedScoringIsTransform(ml, model, train.Schema, m => SeriesWindows.ToDataView(m, [.. windows.Take(Rows)]));
    }

    /// <summary>Reviews with empty, punctuation-only, unknown-word and over-long texts among them.</summary>
    private static List<TextClassifierTests.Review> ReviewsForScoring()
    {
        var rows = TextClassifierTests.Reviews(Rows, 2);
        rows[1].Text = "";
        rows[64].Text = "!!! ...";
        rows[65].Text = "zyzzyva quux unseen words";
        rows[128].Text = string.Join(" ", Enumerable.Repeat("great movie and the plot", 20)); // beyond MaximumLength: truncated
        rows[Rows - 1].Text = "";
        return rows;
    }

    [Theory]
    [InlineData(TextNetwork.Cnn, TokenUnit.Words)]
    [InlineData(TextNetwork.Cnn, TokenUnit.Characters)]
    [InlineData(TextNetwork.Recurrent, TokenUnit.Words)]
    [InlineData(TextNetwork.Recurrent, TokenUnit.Characters)]
    public void TextClassifier_BatchedEqualsTransform(TextNetwork network, TokenUnit unit)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(TextClassifierTests.Reviews(60, 1));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.DeepLearning().MulticlassClassification.Text(new TextClassifier.Options
            {
                Network = network, TokenUnit = unit, MaximumLength = unit == TokenUnit.Words ? 16 : 60, EmbeddingSize = 8,
                Cnn = new TextCnnArchitecture { FiltersPerKernel = 4 }, Recurrent = new RecurrentArchitecture { HiddenSize = 4, Bidirectional = true },
                NumberOfEpochs = 1, Seed = 2,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSentiment", "PredictedLabel"))
            .Fit(train);
        AssertBatchedScoringIsTransform(ml, model, train.Schema, m => m.Data.LoadFromEnumerable(ReviewsForScoring()));
    }

    private static string OnnxRuntimeMessage(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException) return e.Message;
        throw new Xunit.Sdk.XunitException($"No OnnxRuntimeException in {ex}");
    }

    [Fact]
    public void ARejectedLongTextFailsAtItsRowWithTransformsError()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(TextClassifierTests.Reviews(60, 1));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.DeepLearning().MulticlassClassification.Text(new TextClassifier.Options
            {
                Network = TextNetwork.Cnn, MaximumLength = 16, LongerTexts = LongTextHandling.Reject, EmbeddingSize = 8,
                Cnn = new TextCnnArchitecture { FiltersPerKernel = 4 }, NumberOfEpochs = 1, Seed = 2,
            }))
            .Fit(train);
        var fresh = new MLContext(seed: 1);
        var loaded = SaveLoad(ml, model, train.Schema, fresh);
        var rows = TextClassifierTests.Reviews(100, 3);
        rows.Insert(70, new TextClassifierTests.Review { Text = string.Join(" ", Enumerable.Repeat("great", 20)), Label = "positive" });
        var data = fresh.Data.LoadFromEnumerable(rows);
        var before = loaded.Transform(fresh.Data.LoadFromEnumerable(rows.Take(70))).GetColumn<float[]>("Score").ToArray();
        string expectedError = OnnxRuntimeMessage(Assert.ThrowsAny<Exception>(() => loaded.Transform(data).GetColumn<float[]>("Score").ToArray()));
        Assert.Contains("{1,20}", expectedError); // ApplyOnnxModel's error names the row's own shape

        using var scorer = new BatchScorer(fresh, loaded, new BatchScoringOptions { BatchSize = 64 });
        // The batch of rows 64–127 fails in one call; it is scored again row by row, so rows 64–69 are served and
        // row 70 fails with ApplyOnnxModel's own error.
        var stage = scorer.TransformToOnnxStage(data);
        using (var cursor = stage.GetRowCursor([stage.Schema["Score"]]))
        {
            var score = cursor.GetGetter<VBuffer<float>>(stage.Schema["Score"]);
            var served = new List<float[]>();
            VBuffer<float> value = default;
            var error = Assert.ThrowsAny<Exception>(() =>
            {
                while (cursor.MoveNext())
                {
                    score(ref value);
                    served.Add(value.DenseValues().ToArray());
                }
            });
            Assert.Equal(before, served);
            Assert.Equal(expectedError, OnnxRuntimeMessage(error));
            Assert.False(cursor.MoveNext());
        }
        Assert.Equal(expectedError, OnnxRuntimeMessage(Assert.ThrowsAny<Exception>(() => scorer.Transform(data).GetColumn<float[]>("Score").ToArray())));
    }

    private sealed class ImageRow
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";
    }

    /// <summary>Noisy 10×10 PNGs, the label a function of the brightest quadrant.</summary>
    private List<ImageRow> WriteImages(int n, int seed)
    {
        const int size = 10;
        var rng = new Rng(seed);
        var rows = new List<ImageRow>();
        for (int i = 0; i < n; i++)
        {
            var pixels = new byte[size * size * 4];
            for (int p = 0; p < pixels.Length; p++) pixels[p] = p % 4 == 3 ? (byte)255 : (byte)rng.NextInt(256);
            string name = $"{seed}-{i}.png";
            using (var image = MLImage.CreateFromPixels(size, size, MLPixelFormat.Bgra32, pixels)) image.Save(Path.Combine(_folder, name));
            rows.Add(new ImageRow { Path = name, Label = pixels[0] > 127 ? "bright" : "dark" });
        }
        return rows;
    }

    [Fact]
    public void ImageClassifier_BatchedEqualsTransform()
    {
        var ml = new MLContext(seed: 1);
        var images = WriteImages(Rows, 1);
        var train = ml.Data.LoadFromEnumerable(images.Take(30));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", _folder, "Path"))
            .Append(ml.Transforms.ResizeImages("Image", 8, 8))
            .Append(ml.Transforms.ExtractPixels("Features", "Image"))
            .Append(ml.DeepLearning().MulticlassClassification.Image(new ImageClassifier.Options
            {
                Network = ImageNetwork.SmallCnn, NumberOfEpochs = 1, BatchSize = 16, Seed = 1,
                SmallCnn = new SmallCnnArchitecture { Conv1Channels = 4, Conv2Channels = 4, HiddenUnits = 8 },
            }))
            .Fit(train);
        AssertBatchedScoringIsTransform(ml, model, train.Schema, m => m.Data.LoadFromEnumerable(images));
    }

    [Fact]
    public void EncoderDecoder_ScoresOneRowPerCallAndEqualsTransform()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Seq2SeqData.Pairs(150, 1, spell: false));
        var model = ml.DeepLearning().SequenceToSequence.EncoderDecoder(new EncoderDecoder.Options
        {
            EmbeddingSize = 8, HiddenSize = 8, NumberOfEpochs = 1, Seed = 1,
            Decoding = new DecodingOptions { BeamSize = 2, NBest = 2, MaximumLength = 8 },
            NBestColumnName = "Alternatives", NBestScoresColumnName = "AlternativeScores", AttentionColumnName = "Attention",
        }).Fit(train);
        var rows = Seq2SeqData.Pairs(Rows - Seq2SeqData.HardSources.Length, 2, spell: false);
        rows.AddRange(Seq2SeqData.HardSources.Select(s => new TextPair { Source = s, Label = s }));
        // Its token outputs are as long as the batch's longest decoding, so this kind runs one row per call (IsBatched false).
        AssertBatchedScoringIsTransform(ml, model, train.Schema, m => m.Data.LoadFromEnumerable(rows), batched: false);
    }
}
