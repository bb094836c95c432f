using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

/// <summary>The image classifier behind ML.NET's own image pipeline (LoadImages → ResizeImages → ExtractPixels).</summary>
public sealed class ImageClassifierTests : IDisposable
{
    public sealed class ImageRow
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public sealed class ImagePrediction
    {
        public string PredictedShape { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetdeep-images-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Writes PNGs of three classes (horizontal stripes, vertical stripes, a centred blob) in random colours with noise.</summary>
    private List<ImageRow> WriteImages(int n, int seed, int size = 12)
    {
        var rng = new Rng(seed);
        var rows = new List<ImageRow>();
        string[] labels = ["horizontal", "vertical", "blob"];
        for (int i = 0; i < n; i++)
        {
            int c = rng.NextInt(3);
            var pixels = new byte[size * size * 4];
            byte r = (byte)(80 + rng.NextInt(170)), g = (byte)(80 + rng.NextInt(170)), b = (byte)(80 + rng.NextInt(170));
            int phase = rng.NextInt(2);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    bool on = c switch
                    {
                        0 => (y + phase) % 4 < 2,
                        1 => (x + phase) % 4 < 2,
                        _ => Math.Abs(x - size / 2) + Math.Abs(y - size / 2) < size / 3,
                    };
                    int noise = rng.NextInt(40);
                    int o = (y * size + x) * 4;
                    pixels[o] = (byte)(on ? b - noise : noise); pixels[o + 1] = (byte)(on ? g - noise : noise);
                    pixels[o + 2] = (byte)(on ? r - noise : noise); pixels[o + 3] = 255;
                }
            string name = $"{seed}-{i}.png";
            using (var image = MLImage.CreateFromPixels(size, size, MLPixelFormat.Bgra32, pixels)) image.Save(System.IO.Path.Combine(_folder, name));
            rows.Add(new ImageRow { Path = name, Label = labels[c] });
        }
        return rows;
    }

    private IEstimator<ITransformer> Pipeline(MLContext ml, ImageClassifier.Options options) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", _folder, "Path"))
            .Append(ml.Transforms.ResizeImages("Image", 12, 12))
            .Append(ml.Transforms.ExtractPixels("Features", "Image"))
            .Append(ml.DeepLearning().MulticlassClassification.Image(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedShape", "PredictedLabel"));

    private static ImageClassifier.Options Small(ImageNetwork network) => new()
    {
        Network = network, NumberOfEpochs = 8, BatchSize = 16, LearningRate = 0.005f, Seed = 1,
        SmallCnn = new SmallCnnArchitecture { Conv1Channels = 8, Conv2Channels = 8, HiddenUnits = 16, DropoutRate = 0.2f },
        ResNet = new ResNetArchitecture { StemChannels = 8, StageChannels = [8, 16], BlocksPerStage = [1, 1] },
        DenseNet = new DenseNetArchitecture { StemChannels = 8, GrowthRate = 4, LayersPerBlock = [2, 2] },
    };

    [Theory]
    [InlineData(ImageNetwork.SmallCnn)]
    [InlineData(ImageNetwork.ResNet)]
    [InlineData(ImageNetwork.DenseNet)]
    public void LearnsFromImageFilesSavesAndLoads(ImageNetwork network)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(WriteImages(240, 1));
        var test = WriteImages(60, 2);
        var model = EstimatorWorkout.Run<ImageRow, ImagePrediction>(ml, Pipeline(ml, Small(network)), train, test.Take(10).ToList(), ["Path", "Label"]);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(test)));
        Assert.True(metrics.MicroAccuracy > 0.9, $"{network}: accuracy {metrics.MicroAccuracy}");
    }

    [Fact]
    public void LearnsWithAugmentationAndTheTrainingOptionsAndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(WriteImages(240, 1));
        var test = WriteImages(60, 2);
        var options = Small(ImageNetwork.SmallCnn);
        options.NumberOfEpochs = 10;
        options.Augmentation = new ImageAugmentation { CropPadding = 1, HorizontalFlip = true, MaximumTranslation = 1 };
        options.LearningRateSchedule = LearningRateSchedule.OneCycle();
        options.WeightDecay = 1e-3f;
        options.LabelSmoothing = 0.05f;
        var model = EstimatorWorkout.Run<ImageRow, ImagePrediction>(ml, Pipeline(ml, options), train, test.Take(10).ToList(), ["Path", "Label"]);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(test)));
        Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy}");
    }

    [Fact]
    public void ACustomCnnLearnsFromImageFilesSavesAndLoads()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(WriteImages(240, 1));
        var test = WriteImages(60, 2);
        var options = Small(ImageNetwork.SmallCnn);
        options.CustomNetwork = new NetworkDefinition()
            .Conv2d(8, 3, padding: 1, bias: false).BatchNorm().Relu().MaxPool2d(2)
            .Concatenate(new NetworkDefinition().Conv2d(4, 1).Relu(), new NetworkDefinition().Conv2d(4, 3, padding: 1).Relu())
            .ResidualBlock(16, stride: 2).DenseBlock(layers: 2, growthRate: 4).Transition()
            .GlobalAveragePool().Dropout(0.2f).Dense(3);
        var model = EstimatorWorkout.Run<ImageRow, ImagePrediction>(ml, Pipeline(ml, options), train, test.Take(10).ToList(), ["Path", "Label"]);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(test)));
        Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy}");
    }

    [Fact]
    public void AugmentationThatDoesNotFitTheImagesIsRejectedBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(WriteImages(20, 1));
        var options = Small(ImageNetwork.SmallCnn);
        options.Augmentation = new ImageAugmentation { CropPadding = -1 };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Image(options));
        Assert.Equal("Augmentation", ex.ParamName);
        Assert.Contains("Augmentation.CropPadding: CropPadding must be ≥ 0", ex.Message);

        var reports = new List<EpochReport>();
        options.Augmentation = new ImageAugmentation { MaximumTranslation = 12 };
        options.Progress = new SynchronousProgress<EpochReport>(reports.Add);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => Pipeline(ml, options).Fit(train));
        Assert.Equal("Augmentation", ex.ParamName);
        Assert.Contains("Augmentation.MaximumTranslation: MaximumTranslation 12 must be below the image's height and width (12 × 12)", ex.Message);
        Assert.Empty(reports);
    }

    [Fact]
    public void ChannelStatisticsAreLearnedPerChannelInsideTheGraph()
    {
        var ml = new MLContext(seed: 1);
        var options = Small(ImageNetwork.SmallCnn);
        options.NumberOfEpochs = 1;
        var trainer = ml.DeepLearning().MulticlassClassification.Image(options);
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", _folder, "Path")).Append(ml.Transforms.ResizeImages("Image", 12, 12))
            .Append(ml.Transforms.ExtractPixels("Features", "Image")).Append(trainer)
            .Fit(ml.Data.LoadFromEnumerable(WriteImages(30, 3)));
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(trainer.LastTrainingReport!.OnnxModel);
        var input = session.InputMetadata["Features"];
        Assert.Equal([-1, 3, 12, 12], input.Dimensions);
        Assert.Equal("3,12,12", session.ModelMetadata.CustomMetadataMap["mlnetdeep.image_shape"]);
    }

    private sealed class ColourRow
    {
        [VectorType(3, 8, 8)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    private sealed class FlatRow
    {
        [VectorType(50)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    [Fact]
    public void BadImageInputIsExplained()
    {
        var ml = new MLContext(seed: 1);
        var flat = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(i => new FlatRow { Features = new float[50], Label = i % 2 == 0 ? "a" : "b" }));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(flat).Transform(flat);

        // A flat vector without a declared shape.
        var noShape = Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Image(Small(ImageNetwork.SmallCnn)).Fit(keyed));
        Assert.Contains("'Features': expected Vector<Single, C, H, W>", noShape.Message);

        // A declared shape that does not match the vector's length.
        var options = Small(ImageNetwork.SmallCnn);
        options.ImageShape = [1, 7, 8];
        var wrongShape = Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Image(options).Fit(keyed));
        Assert.Contains("'Features': expected ImageShape (C, H, W) = (1, 7, 8), 56 values, got 50 values", wrongShape.Message);

        // Channel statistics for the wrong number of channels.
        options.ImageShape = [2, 5, 5];
        options.ChannelMeans = [0f];
        options.ChannelStds = [1f];
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Image(options).Fit(keyed));

        // ExtractPixels' three channels where ImageShape says one (before: "Length of memory (192) must match product of dimensions (64)"
        // once scored), and a shape written channels last: the column, the expected and the actual shape are named before training.
        var rgb = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(i => new ColourRow { Features = new float[192], Label = i % 2 == 0 ? "a" : "b" }));
        var keyedRgb = ml.Transforms.Conversion.MapValueToKey("Label").Fit(rgb).Transform(rgb);
        var grey = Small(ImageNetwork.SmallCnn);
        grey.ImageShape = [1, 8, 8];
        var channels = Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Image(grey).Fit(keyedRgb));
        Assert.Contains("input column 'Features': expected ImageShape (C, H, W) = (1, 8, 8), 64 values, got shape (3, 8, 8), 192 values", channels.Message);
        var channelsLast = Small(ImageNetwork.ResNet);
        channelsLast.ImageShape = [8, 8, 3];
        var order = Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Image(channelsLast).Fit(keyedRgb));
        Assert.Contains("input column 'Features': expected ImageShape (C, H, W) = (8, 8, 3)", order.Message);
        Assert.Contains("got shape (3, 8, 8), 192 values", order.Message);
        var means = Small(ImageNetwork.SmallCnn);
        means.ChannelMeans = [0f];
        means.ChannelStds = [1f];
        var meansError = Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Image(means).Fit(keyedRgb));
        Assert.Contains("The images in column 'Features' have shape (C, H, W) = (3, 8, 8), 3 channels, but 1 ChannelMeans and 1 ChannelStds are given", meansError.Message);

        // A missing image file: ML.NET's LoadImages reports the path before training starts.
        var rows = WriteImages(6, 4);
        rows[2].Path = "missing.png";
        var missing = Assert.ThrowsAny<Exception>(() => Pipeline(ml, Small(ImageNetwork.SmallCnn)).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("missing.png", missing.ToString());
    }

    [Fact]
    public void ImageOfAnotherSizeAtScoringNamesTheColumnAndShape()
    {
        var ml = new MLContext(seed: 1);
        var options = Small(ImageNetwork.SmallCnn);
        options.NumberOfEpochs = 1;
        var model = Pipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(WriteImages(20, 5)));
        // The same model applied after a resize to another size (no SPP): ONNX Runtime rejects the pixel count.
        var other = ml.Transforms.LoadImages("Image", _folder, "Path").Append(ml.Transforms.ResizeImages("Image", 10, 10))
            .Append(ml.Transforms.ExtractPixels("Features", "Image"));
        var data = ml.Data.LoadFromEnumerable(WriteImages(2, 6));
        var tenByTen = other.Fit(data).Transform(data);
        var scorer = ((IEnumerable<ITransformer>)model).Skip(4).First(); // the image classifier's chain
        var ex = Assert.Throws<InvalidOperationException>(() => scorer.Transform(tenByTen).GetColumn<float[]>("Score").ToArray());
        Assert.Contains("'Features' has shape 1,3,12,12", ex.Message);
    }
}
