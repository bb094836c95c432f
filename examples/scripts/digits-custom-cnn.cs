#:project ../../src/Estimators/Estimators.csproj
#:project ../../src/Engine/Engine.csproj
#:project ../../src/Onnx/Onnx.csproj
#:project ../../src/Trainers/Trainers.csproj
#:package Microsoft.ML.OnnxRuntime
#:property Nullable=enable
#:property GenerateDocumentationFile=false
#:property PublishAot=false
// Model Builder-style script with a network of your own: the same digits as digits-tabular.cs, read as 1×8×8 images by
// a small CNN written with NetworkDefinition (two convolutions, global average pooling, a dense layer per digit); its
// summary (layer, output shape, parameters) is printed before training.
// (scikit-learn's digits, examples/QuickStart/data/digits.csv.gz, BSD-3-Clause; see its ATTRIBUTION.md.)
// The layout is the one Model Builder generates (ModelInput, ModelOutput, BuildPipeline, Train, RetrainModel, Predict,
// PredictAllLabels). A .NET 10 file-based program:
//   dotnet run examples/scripts/digits-custom-cnn.cs [-- --output DIR]
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep;

string output = args.Length == 2 && args[0] == "--output" ? args[1] : Path.Combine(Path.GetTempPath(), "mlnetdeep-scripts");
Directory.CreateDirectory(output);
string csv = DigitsModel.ExtractCsv(Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "..", "QuickStart", "data", "digits.csv.gz"), output);
string modelPath = Path.Combine(output, "digits-cnn-model.zip");

Console.WriteLine(DigitsModel.Network().Summarize(DigitsModel.ImageShape));
var metrics = DigitsModel.Train(modelPath, csv);
Console.WriteLine($"test accuracy {metrics.MicroAccuracy:P2}, macro accuracy {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F4}");
Console.WriteLine($"saved {modelPath}");

var sample = DigitsModel.LoadRows(csv).First();
var prediction = DigitsModel.Predict(sample, modelPath);
Console.WriteLine($"first row: label {sample.Label}, predicted {prediction.PredictedLabel}");
foreach (var (label, score) in DigitsModel.PredictAllLabels(sample, modelPath).Take(3)) Console.WriteLine($"  {label}: {score:F4}");
return metrics.MicroAccuracy >= 0.9 ? 0 : 1;

/// <summary>One row of digits.csv: 64 pixel counts (0..16), then the digit.</summary>
public sealed class ModelInput
{
    [LoadColumn(0, 63), VectorType(64)] public float[] Pixels { get; set; } = [];
    [LoadColumn(64)] public float Label { get; set; }
}

/// <summary>What the model adds: the predicted digit and one score per digit (in the order of the label's keys).</summary>
public sealed class ModelOutput
{
    [ColumnName("PredictedDigit")] public float PredictedLabel { get; set; }
    public float[] Score { get; set; } = [];
}

public static class DigitsModel
{
    /// <summary>The 64 pixels as one 8×8 channel.</summary>
    public static readonly int[] ImageShape = [1, 8, 8];

    /// <summary>The network: (1, 8, 8) → conv 3×3 (16) → BN → ReLU → max-pool 2 → conv 3×3 (32) → ReLU → global average → 10 scores.</summary>
    public static NetworkDefinition Network() => new NetworkDefinition()
        .Conv2d(16, kernelSize: 3, padding: 1).BatchNorm().Relu().MaxPool2d(2)
        .Conv2d(32, kernelSize: 3, padding: 1).Relu().GlobalAveragePool()
        .Dense(10);

    /// <summary>The training pipeline: label to key, MlNetDeep's image trainer with the network above (early stopping on
    /// 10 % held out by Train), the predicted key back to the digit (PredictedDigit).</summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext ml, IDataView? validation = null) =>
        ml.Transforms.Conversion.MapValueToKey("Label", "Label")
            .Append(ml.DeepLearning().MulticlassClassification.Image(new ImageClassifier.Options
            {
                FeatureColumnName = "Pixels", ImageShape = ImageShape, CustomNetwork = Network(), NumberOfEpochs = 40, BatchSize = 32,
                LearningRate = 3e-3f, LearningRateSchedule = LearningRateSchedule.OneCycle(), Seed = 1,
                ValidationSet = validation, EarlyStoppingPatience = validation is null ? null : 8,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel")); // keeps the key for Evaluate

    /// <summary>Trains on 80 % of <paramref name="inputDataFilePath"/> (10 % of that for early stopping), evaluates on the rest and saves the model.</summary>
    public static MulticlassClassificationMetrics Train(string outputModelPath, string inputDataFilePath, char separatorChar = ',', bool hasHeader = false)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromTextFile<ModelInput>(inputDataFilePath, separatorChar, hasHeader);
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        var holdout = ml.Data.TrainTestSplit(split.TrainSet, testFraction: 0.1, seed: 2);
        var validationKeys = ml.Transforms.Conversion.MapValueToKey("Label", "Label").Fit(holdout.TrainSet);
        var model = RetrainModel(ml, holdout.TrainSet, validationKeys.Transform(holdout.TestSet));
        ml.Model.Save(model, data.Schema, outputModelPath);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        ((IDisposable)model).Dispose();
        return metrics;
    }

    /// <summary>Fits the pipeline on <paramref name="trainData"/>.</summary>
    public static ITransformer RetrainModel(MLContext ml, IDataView trainData, IDataView? validation = null) =>
        BuildPipeline(ml, validation).Fit(trainData);

    /// <summary>The model's prediction for one row.</summary>
    public static ModelOutput Predict(ModelInput input, string modelPath)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(modelPath, out _);
        return ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model).Predict(input);
    }

    /// <summary>Every digit with its score, best first (Model Builder's PredictAllLabels).</summary>
    public static IOrderedEnumerable<KeyValuePair<string, float>> PredictAllLabels(ModelInput input, string modelPath)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(modelPath, out var schema);
        var output = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model).Predict(input);
        // The score slots follow the label's keys, whose values the predicted key column carries.
        VBuffer<float> names = default;
        model.GetOutputSchema(schema)["PredictedLabel"].GetKeyValues(ref names);
        return names.DenseValues().Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Zip(output.Score, (n, s) => new KeyValuePair<string, float>(n, s))
            .OrderByDescending(p => p.Value);
    }

    /// <summary>Rows of the CSV (for the sample prediction).</summary>
    public static IEnumerable<ModelInput> LoadRows(string csv) =>
        new MLContext().Data.CreateEnumerable<ModelInput>(new MLContext().Data.LoadFromTextFile<ModelInput>(csv, ','), reuseRowObject: false);

    /// <summary>Decompresses the repository's digits.csv.gz into <paramref name="folder"/> (LoadFromTextFile reads plain text).</summary>
    public static string ExtractCsv(string gz, string folder)
    {
        if (!File.Exists(gz)) throw new FileNotFoundException($"{gz} not found: run this script from a clone of the repository.");
        string csv = Path.Combine(folder, "digits.csv");
        using var input = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress);
        using var file = File.Create(csv);
        input.CopyTo(file);
        return csv;
    }
}
