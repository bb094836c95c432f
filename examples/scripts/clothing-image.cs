#:project ../../src/Estimators/Estimators.csproj
#:project ../../src/Engine/Engine.csproj
#:project ../../src/Onnx/Onnx.csproj
#:project ../../src/Trainers/Trainers.csproj
#:package Microsoft.ML.OnnxRuntime
#:property Nullable=enable
#:property GenerateDocumentationFile=false
#:property PublishAot=false
// Model Builder-style script, image task: a folder with one sub-folder of images per class (Model Builder's image
// classification layout). By default Fashion-MNIST's training PNGs, which examples/FashionMnist writes on its first run
// (bash examples/FashionMnist/fetch-data.sh && dotnet run -c Release --project examples/FashionMnist -- smallcnn 1),
// 300 images per class.
// The layout is the one Model Builder generates (ModelInput, ModelOutput, BuildPipeline, Train, RetrainModel, Predict,
// PredictAllLabels), with MlNetDeep's image CNN (augmented training) as the trainer. A .NET 10 file-based program:
//   dotnet run examples/scripts/clothing-image.cs [-- --data FOLDER] [--per-class N] [--output DIR]
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep;

string here = AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".";
string folder = Path.GetFullPath(Option("--data") ?? Path.Combine(here, "..", "FashionMnist", "data", "png", "train"));
int perClass = int.Parse(Option("--per-class") ?? "300", System.Globalization.CultureInfo.InvariantCulture);
string output = Option("--output") ?? Path.Combine(Path.GetTempPath(), "mlnetdeep-scripts");
if (!Directory.Exists(folder) || Directory.GetDirectories(folder).Length < 2)
{
    Console.Error.WriteLine($"{folder} has no class sub-folders: pass --data FOLDER, or write Fashion-MNIST's PNGs with examples/FashionMnist (see the comment at the top).");
    return 2;
}
Directory.CreateDirectory(output);
string modelPath = Path.Combine(output, "image-model.zip");

var images = ImageModel.ListImages(folder, perClass);
var metrics = ImageModel.Train(modelPath, folder, images);
Console.WriteLine($"{images.Count} images of {images.Select(i => i.Label).Distinct().Count()} classes; test accuracy {metrics.MicroAccuracy:P2}, log-loss {metrics.LogLoss:F4}");
Console.WriteLine($"saved {modelPath}");
var sample = images[^1];
Console.WriteLine($"{sample.ImagePath} ({sample.Label}) → {ImageModel.Predict(sample, modelPath).PredictedLabel}; top 3: " +
    string.Join(", ", ImageModel.PredictAllLabels(sample, modelPath).Take(3).Select(p => $"{p.Key} {p.Value:F3}")));
return metrics.MicroAccuracy >= 0.6 ? 0 : 1;

string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

/// <summary>One image: its path (absolute) and class (the name of its folder).</summary>
public sealed class ModelInput
{
    public string ImagePath { get; set; } = "";
    public string Label { get; set; } = "";
}

/// <summary>What the model adds: the predicted class and one score per class (in the order of the label's keys).</summary>
public sealed class ModelOutput
{
    [ColumnName("PredictedClass")] public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = [];
}

public static class ImageModel
{
    private const int Size = 28;

    /// <summary>Label to key, load → resize to 28×28 → pixels (RGB, channels first), MlNetDeep's SmallCnn with random crops
    /// and a one-cycle schedule, key back to the class name.</summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("Label", "Label")
            .Append(ml.Transforms.LoadImages("Image", imageFolder: null, "ImagePath"))
            .Append(ml.Transforms.ResizeImages("Image", Size, Size))
            .Append(ml.Transforms.ExtractPixels("Features", "Image"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.DeepLearning().MulticlassClassification.Image(new ImageClassifier.Options
            {
                Network = ImageNetwork.SmallCnn, NumberOfEpochs = 10, BatchSize = 32, LearningRate = 3e-3f, Seed = 1,
                LearningRateSchedule = LearningRateSchedule.OneCycle(), Augmentation = new ImageAugmentation { CropPadding = 2 },
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));

    /// <summary>Trains on 80 % of the images (split by a fixed seed), evaluates on the rest, saves the model.</summary>
    public static MulticlassClassificationMetrics Train(string outputModelPath, string inputFolder, IReadOnlyList<ModelInput>? images = null)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(images ?? ListImages(inputFolder, int.MaxValue));
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        var model = RetrainModel(ml, split.TrainSet);
        ml.Model.Save(model, data.Schema, outputModelPath);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        ((IDisposable)model).Dispose();
        return metrics;
    }

    /// <summary>Fits the pipeline on <paramref name="trainData"/>.</summary>
    public static ITransformer RetrainModel(MLContext ml, IDataView trainData) => BuildPipeline(ml).Fit(trainData);

    /// <summary>The model's prediction for one image.</summary>
    public static ModelOutput Predict(ModelInput input, string modelPath)
    {
        var ml = new MLContext();
        return ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(ml.Model.Load(modelPath, out _)).Predict(input);
    }

    /// <summary>Every class with its score, best first (Model Builder's PredictAllLabels).</summary>
    public static IOrderedEnumerable<KeyValuePair<string, float>> PredictAllLabels(ModelInput input, string modelPath)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(modelPath, out var schema);
        var output = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model).Predict(input);
        // The score slots follow the label's keys, whose values the predicted key column carries.
        VBuffer<ReadOnlyMemory<char>> names = default;
        model.GetOutputSchema(schema)["PredictedLabel"].GetKeyValues(ref names);
        return names.DenseValues().Select(n => n.ToString()).Zip(output.Score, (n, s) => new KeyValuePair<string, float>(n, s))
            .OrderByDescending(p => p.Value);
    }

    /// <summary>Up to <paramref name="perClass"/> images (.png, .jpg, .jpeg, .bmp) of each sub-folder, in name order.</summary>
    public static List<ModelInput> ListImages(string folder, int perClass) =>
        [.. Directory.GetDirectories(folder).Order(StringComparer.Ordinal).SelectMany(classFolder => Directory.EnumerateFiles(classFolder)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg" or ".bmp")
            .Order(StringComparer.Ordinal).Take(perClass)
            .Select(f => new ModelInput { ImagePath = f, Label = Path.GetFileName(classFolder) }))];
}
