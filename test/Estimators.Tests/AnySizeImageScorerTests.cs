using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;
using MlNetDeep.Estimators.Tests.Support;
using static Microsoft.ML.Transforms.Image.ImagePixelExtractingEstimator;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// Images of any size through a trained SPP SmallCnn inside an ML.NET pipeline (LoadRawImageBytes → CreateAnySizeScorer),
/// checked against the engine's own forward pass on the pixels ML.NET's ExtractPixels reads from the same files.
/// </summary>
public sealed class AnySizeImageScorerTests : IDisposable
{
    public sealed class ImageRow
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public sealed class Prediction
    {
        public string PredictedShape { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    private const int TrainingSize = 12;
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetdeep-anysize-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A w×h PNG of stripes (class 0/1) or a blob (class 2) in a random colour with noise; alpha below 255 if asked.</summary>
    private ImageRow WriteImage(string name, int w, int h, int cls, Rng rng, bool translucent = false)
    {
        var pixels = new byte[w * h * 4];
        byte r = (byte)(80 + rng.NextInt(170)), g = (byte)(80 + rng.NextInt(170)), b = (byte)(80 + rng.NextInt(170));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool on = cls switch
                {
                    0 => y % 4 < 2,
                    1 => x % 4 < 2,
                    _ => Math.Abs(x - w / 2) + Math.Abs(y - h / 2) < Math.Min(w, h) / 3,
                };
                int noise = rng.NextInt(40), o = (y * w + x) * 4;
                pixels[o] = (byte)(on ? b - noise : noise); pixels[o + 1] = (byte)(on ? g - noise : noise);
                pixels[o + 2] = (byte)(on ? r - noise : noise); pixels[o + 3] = translucent ? (byte)(128 + rng.NextInt(128)) : (byte)255;
            }
        using (var image = MLImage.CreateFromPixels(w, h, MLPixelFormat.Bgra32, pixels)) image.Save(System.IO.Path.Combine(_folder, name));
        return new ImageRow { Path = name, Label = ((string[])["horizontal", "vertical", "blob"])[cls] };
    }

    private List<ImageRow> TrainingImages(int n, int seed, bool translucent = false)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(i => WriteImage($"train-{seed}-{i}.png", TrainingSize, TrainingSize, i % 3, rng, translucent)).ToList();
    }

    private static ImageClassifier.Options Spp(int epochs) => new()
    {
        NumberOfEpochs = epochs, BatchSize = 16, LearningRate = 0.01f, Seed = 1,
        SmallCnn = new SmallCnnArchitecture { Conv1Channels = 4, Conv2Channels = 6, HiddenUnits = 12, DropoutRate = 0f, SpatialPyramidLevels = [1, 2] },
    };

    private sealed record Pixels(ColorBits Colors = ColorBits.Rgb, ColorsOrder Order = ColorsOrder.ARGB, float Offset = 0f, float Scale = 1f);

    /// <summary>The usual fixed-size pipeline: LoadImages → ResizeImages(12×12) → ExtractPixels(settings) → the classifier.</summary>
    private (ITransformer Model, ImageClassifier Trainer) Train(MLContext ml, ImageClassifier.Options options, List<ImageRow> rows, Pixels settings)
    {
        var trainer = ml.DeepLearning().MulticlassClassification.Image(options);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", _folder, "Path"))
            .Append(ml.Transforms.ResizeImages("Image", TrainingSize, TrainingSize))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", settings.Colors, settings.Order, offsetImage: settings.Offset, scaleImage: settings.Scale))
            .Append(trainer)
            .Fit(ml.Data.LoadFromEnumerable(rows));
        return (model, trainer);
    }

    private IEstimator<ITransformer> AnySize(MLContext ml, AnySizeImageScorer scorer) =>
        ml.Transforms.LoadRawImageBytes("ImageBytes", _folder, "Path")
            .Append(scorer)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedShape", "PredictedLabel"));

    /// <summary>
    /// Softmax of the engine's forward pass of the trained body on the file's pixels as ExtractPixels reads them at the
    /// image's own size (ResizeImages to the same size leaves pixels unchanged), standardised with the training statistics.
    /// </summary>
    private float[] EngineScores(MLContext ml, AnySizeImageNetwork network, string path, int w, int h, Pixels settings)
    {
        var one = ml.Data.LoadFromEnumerable(new[] { new ImageRow { Path = path } });
        var pixels = ml.Transforms.LoadImages("Image", _folder, "Path").Append(ml.Transforms.ResizeImages("Image", w, h))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", settings.Colors, settings.Order, offsetImage: settings.Offset, scaleImage: settings.Scale))
            .Fit(one).Transform(one).GetColumn<float[]>("Features").Single();
        int c = network.Channels, plane = w * h;
        Assert.Equal(c * plane, pixels.Length);
        var x = (float[])pixels.Clone();
        network.Preprocessing.Apply(x);
        network.Body.SetTraining(false);
        var tape = new Tape { IsRecording = false };
        return Ops.Softmax(tape, network.Body.Forward(tape, Tensor.FromArray(x, 1, c, h, w))).Span.ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4, $"{context}: score {i} is {actual[i]}, engine {expected[i]}");
    }

    [Fact]
    public void ImagesOfSeveralSizesScoreLikeTheEngineAndSaveLoadAndPredictionEngineAgree()
    {
        var ml = new MLContext(seed: 1);
        var training = TrainingImages(48, 1);
        var (fixedModel, trainer) = Train(ml, Spp(epochs: 4), training, new Pixels());
        var data0 = ml.Data.LoadFromEnumerable(training.Take(1));
        var scorer = trainer.CreateAnySizeScorer("ImageBytes");
        Assert.Equal(SmallCnn.MinimumInputSize, scorer.MinimumImageSize);

        // The training size, sizes no pyramid level divides (wide and tall), and the 4×4 minimum.
        var rng = new Rng(7);
        (int W, int H)[] sizes = [(12, 12), (17, 9), (10, 23), (4, 4), (31, 26)];
        var rows = sizes.Select((s, i) => WriteImage($"score-{i}.png", s.W, s.H, i % 3, rng)).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = EstimatorWorkout.Run<ImageRow, Prediction>(ml, AnySize(ml, scorer), data, rows, ["Path"]);
        var scored = model.Transform(data);
        Assert.Equal(fixedModel.Transform(data0).Schema["Score"].Type, scored.Schema["Score"].Type);
        Assert.DoesNotContain(scored.Schema, c => c.Name.StartsWith("MlNetDeep_", StringComparison.Ordinal));
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var labels = scored.GetColumn<string>("PredictedShape").ToArray();
        string[] keyValues = ["horizontal", "vertical", "blob"]; // MapValueToKey's order of first appearance
        for (int i = 0; i < rows.Count; i++)
        {
            var engine = EngineScores(ml, scorer.Network, rows[i].Path, sizes[i].W, sizes[i].H, new Pixels());
            AssertClose(engine, scores[i], $"{sizes[i].W}×{sizes[i].H}");
            Assert.Equal(keyValues[Array.IndexOf(engine, engine.Max())], labels[i]);
        }

        // At the training size the fixed-size model (resize is the identity there) gives the same scores.
        var fixedScores = fixedModel.Transform(ml.Data.LoadFromEnumerable(rows.Take(1))).GetColumn<float[]>("Score").Single();
        AssertClose(fixedScores, scores[0], "fixed-size model at 12×12");
    }

    [Fact]
    public void DisposedModelsLeaveNoFileInTempFilePath()
    {
        string temp = Directory.CreateDirectory(Path.Combine(_folder, "temp")).FullName;
        var ml = new MLContext(seed: 1) { TempFilePath = temp };
        var (model, trainer) = Train(ml, Spp(epochs: 1), TrainingImages(12, 2), new Pixels());
        var rows = ml.Data.LoadFromEnumerable(TrainingImages(2, 3));
        var anySize = AnySize(ml, trainer.CreateAnySizeScorer("ImageBytes")).Fit(rows);
        Assert.Equal(2, Directory.GetFiles(temp).Length); // one ONNX file per model while it lives
        Assert.Equal(2, anySize.Transform(rows).GetColumn<float[]>("Score").Count());
        ((IDisposable)anySize).Dispose();
        ((IDisposable)model).Dispose();
        Assert.Empty(Directory.GetFiles(temp));
    }

    [Fact]
    public void ExtractPixelsSettingsOfTheTrainingCarryOver()
    {
        // Four channels in A, B, G, R order with an offset and a scale; translucent images so the alpha plane matters.
        var ml = new MLContext(seed: 1);
        var settings = new Pixels(ColorBits.All, ColorsOrder.ABGR, Offset: 30f, Scale: 1f / 64);
        var (_, trainer) = Train(ml, Spp(epochs: 1), TrainingImages(12, 2, translucent: true), settings);
        var scorer = trainer.CreateAnySizeScorer("ImageBytes", settings.Colors, settings.Order, settings.Offset, settings.Scale);
        Assert.Equal(4, scorer.Network.Channels);
        var rng = new Rng(8);
        var rows = new[] { WriteImage("abgr-0.png", 15, 7, 0, rng, translucent: true), WriteImage("abgr-1.png", 6, 13, 2, rng, translucent: true) };
        var scores = AnySize(ml, scorer).Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Score").ToArray();
        AssertClose(EngineScores(ml, scorer.Network, rows[0].Path, 15, 7, settings), scores[0], "15×7");
        AssertClose(EngineScores(ml, scorer.Network, rows[1].Path, 6, 13, settings), scores[1], "6×13");

        // The same network read with the default settings scores differently: the settings reach the graph.
        var wrong = trainer.CreateAnySizeScorer("ImageBytes", ColorBits.All);
        var other = AnySize(ml, wrong).Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Score").First();
        Assert.NotEqual(scores[0], other);
    }

    [Fact]
    public void MissingUndecodableAndTooSmallImagesAreExplained()
    {
        var ml = new MLContext(seed: 1);
        var (_, trainer) = Train(ml, Spp(epochs: 1), TrainingImages(12, 3), new Pixels());
        var rng = new Rng(9);
        var good = WriteImage("good.png", 9, 9, 0, rng);
        var tooSmall = WriteImage("small.png", 3, 6, 1, rng);
        File.WriteAllText(System.IO.Path.Combine(_folder, "text.png"), "not an image at all");
        var engine = ml.Model.CreatePredictionEngine<ImageRow, Prediction>(AnySize(ml, trainer.CreateAnySizeScorer("ImageBytes")).Fit(ml.Data.LoadFromEnumerable([good])));

        var small = Assert.Throws<InvalidOperationException>(() => engine.Predict(tooSmall));
        Assert.Contains("Image column 'ImageBytes' holds a 3×6 image", small.Message);
        Assert.Contains("needs at least 4×4 pixels", small.Message);
        var text = Assert.Throws<InvalidOperationException>(() => engine.Predict(new ImageRow { Path = "text.png" }));
        Assert.Contains("Image column 'ImageBytes' holds 19 bytes that are not an image", text.Message);
        // LoadRawImageBytes gives 0 bytes for an empty path and throws, naming the file, for a missing one.
        var empty = Assert.Throws<InvalidOperationException>(() => engine.Predict(new ImageRow { Path = "" }));
        Assert.Contains("Image column 'ImageBytes' holds no image (0 bytes)", empty.Message);
        var missing = Assert.ThrowsAny<Exception>(() => engine.Predict(new ImageRow { Path = "missing.png" }));
        Assert.Contains("missing.png", missing.Message);
        Assert.Equal(3, engine.Predict(good).Score.Length); // the engine still works after the failures

        // Through a cursor too (ML.NET may wrap the exception; ours is inside, with the column name).
        var bad = ml.Data.LoadFromEnumerable(new[] { good, tooSmall });
        var model = AnySize(ml, trainer.CreateAnySizeScorer("ImageBytes")).Fit(bad);
        var wrapped = Assert.ThrowsAny<Exception>(() => model.Transform(bad).GetColumn<float[]>("Score").ToArray());
        Assert.Contains("needs at least 4×4 pixels", wrapped.ToString());

        // The ONNX model alone (plain ONNX Runtime, no ML.NET check in front) rejects a 3×6 image itself, and a batch of
        // two sizes, each with an error naming the problem.
        byte[] onnx = trainer.CreateAnySizeScorer("ImageBytes").OnnxModel;
        Assert.Contains("MlNetDeep_ImageSize_has_an_image_smaller_than_4x4_the_network_minimum", OnnxError(onnx, (6, 3)));
        Assert.Contains("MlNetDeep_ImageSize_rows_differ_one_run_takes_images_of_one_size", OnnxError(onnx, (4, 6), (6, 4)));
    }

    /// <summary>Runs the any-size ONNX model on zero images of the given (H, W) sizes (equal H·W) and returns ONNX Runtime's error.</summary>
    private static string OnnxError(byte[] onnx, params (int H, int W)[] sizes)
    {
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        int n = sizes.Length, length = 4 * sizes[0].H * sizes[0].W;
        using var pixels = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new float[n * length], [n, length]);
        using var size = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(sizes.SelectMany(s => new long[] { s.H, s.W }).ToArray(), [n, 2]);
        using var options = new Microsoft.ML.OnnxRuntime.RunOptions();
        var inputs = new Dictionary<string, Microsoft.ML.OnnxRuntime.OrtValue> { ["MlNetDeep_ImagePixels"] = pixels, ["MlNetDeep_ImageSize"] = size };
        return Assert.Throws<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(() => session.Run(options, inputs, session.OutputNames)).Message;
    }

    [Fact]
    public void FixedSizeNetworksAndWrongSettingsOrColumnsAreRejected()
    {
        var ml = new MLContext(seed: 1);
        var options = Spp(epochs: 1);
        options.SmallCnn = options.SmallCnn with { SpatialPyramidLevels = null };
        var trainer = ml.DeepLearning().MulticlassClassification.Image(options);
        var beforeFit = Assert.Throws<InvalidOperationException>(() => trainer.CreateAnySizeScorer("ImageBytes"));
        Assert.Contains("call Fit first", beforeFit.Message);

        (_, trainer) = Train(ml, options, TrainingImages(12, 4), new Pixels());
        var fixedSize = Assert.Throws<InvalidOperationException>(() => trainer.CreateAnySizeScorer("ImageBytes"));
        Assert.Contains("set Options.SmallCnn.SpatialPyramidLevels", fixedSize.Message);

        var (_, spp) = Train(ml, Spp(epochs: 1), TrainingImages(12, 5), new Pixels());
        var channels = Assert.Throws<ArgumentOutOfRangeException>(() => spp.CreateAnySizeScorer("ImageBytes", ColorBits.Red));
        Assert.Equal("colorsToExtract", channels.ParamName);
        Assert.Contains("trained on 3 channels but Red selects 1", channels.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => spp.CreateAnySizeScorer("ImageBytes", scaleImage: 0f));

        // The column must be variable-size encoded bytes; GetOutputSchema agrees with the fitted chain.
        var paths = ml.Data.LoadFromEnumerable(TrainingImages(1, 6));
        var scorer = spp.CreateAnySizeScorer("Path");
        var wrongType = Assert.Throws<ArgumentOutOfRangeException>(() => scorer.Fit(paths));
        Assert.Contains("Schema mismatch for input column 'Path': expected Vector<Byte>", wrongType.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => scorer.GetOutputSchema(Schemas.Shape(paths.Schema)));
        var bytes = ml.Transforms.LoadRawImageBytes("ImageBytes", _folder, "Path").Fit(paths).Transform(paths);
        var good = spp.CreateAnySizeScorer("ImageBytes");
        var shape = good.GetOutputSchema(Schemas.Shape(bytes.Schema));
        var fitted = good.Fit(bytes).GetOutputSchema(bytes.Schema);
        Assert.Equal(fitted.Select(c => c.Name), shape.Select(c => c.Name));
        Assert.True(shape.Single(c => c.Name == "PredictedLabel").IsKey);
    }
}
