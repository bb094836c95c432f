#:project ../../src/Estimators/Estimators.csproj
#:project ../../src/Engine/Engine.csproj
#:project ../../src/Onnx/Onnx.csproj
#:project ../../src/Trainers/Trainers.csproj
#:package Microsoft.ML.OnnxRuntime
#:property Nullable=enable
#:property GenerateDocumentationFile=false
#:property PublishAot=false
// Model Builder-style script, text task: is a review positive or negative? 3,000 labelled sentences from Amazon, IMDb
// and Yelp (the UCI "Sentiment Labelled Sentences", as shipped in npm's sentiment@5.0.2 test fixtures; fetch them with
//   bash examples/Sentiment/fetch-data.sh).
// The layout is the one Model Builder generates (ModelInput, ModelOutput, BuildPipeline, Train, RetrainModel, Predict,
// PredictAllLabels), with MlNetDeep's text CNN as the trainer. A .NET 10 file-based program:
//   dotnet run examples/scripts/sentiment-text.cs [-- --data FOLDER] [--output DIR]
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep;

string here = AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".";
string data = Option("--data") ?? Path.Combine(here, "..", "Sentiment", "data", "raw");
string output = Option("--output") ?? Path.Combine(Path.GetTempPath(), "mlnetdeep-scripts");
string[] files = [.. new[] { "amazon", "imdb", "yelp" }.Select(s => Path.Combine(data, s + ".json"))];
if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
{
    Console.Error.WriteLine($"{missing} not found: fetch the data with  bash examples/Sentiment/fetch-data.sh  or pass --data FOLDER.");
    return 2;
}
Directory.CreateDirectory(output);
string tsv = SentimentModel.WriteTsv(files, Path.Combine(output, "sentiment.tsv"));
string modelPath = Path.Combine(output, "sentiment-model.zip");

var metrics = SentimentModel.Train(modelPath, tsv);
Console.WriteLine($"test accuracy {metrics.MicroAccuracy:P2}, log-loss {metrics.LogLoss:F4}");
Console.WriteLine($"saved {modelPath}");
foreach (string text in new[] { "The food was wonderful and the staff friendly.", "Worst purchase ever, it broke in a day." })
{
    var input = new ModelInput { Text = text };
    Console.WriteLine($"\"{text}\" → {SentimentModel.Predict(input, modelPath).PredictedLabel} " +
        $"({string.Join(", ", SentimentModel.PredictAllLabels(input, modelPath).Select(p => $"{p.Key} {p.Value:F3}"))})");
}
return metrics.MicroAccuracy >= 0.7 ? 0 : 1;

string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

/// <summary>One labelled sentence of sentiment.tsv.</summary>
public sealed class ModelInput
{
    [LoadColumn(0)] public string Text { get; set; } = "";
    [LoadColumn(1)] public string Label { get; set; } = "";
}

/// <summary>What the model adds: the predicted label and one score per label (in the order of the label's keys).</summary>
public sealed class ModelOutput
{
    [ColumnName("PredictedSentiment")] public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = [];
}

public static class SentimentModel
{
    /// <summary>Label to key, MlNetDeep's word-level text CNN on the raw text (vocabulary learned in Fit), key back to the label.</summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("Label", "Label")
            .Append(ml.DeepLearning().MulticlassClassification.Text(new TextClassifier.Options
            {
                TextColumnName = "Text", Network = TextNetwork.Cnn, TokenUnit = TokenUnit.Words, MaximumLength = 40,
                EmbeddingSize = 64, NumberOfEpochs = 8, BatchSize = 32, LearningRate = 2e-3f,
                LearningRateSchedule = LearningRateSchedule.Cosine(warmupEpochs: 1), LabelSmoothing = 0.1f, Seed = 1,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSentiment", "PredictedLabel"));

    /// <summary>Trains on 80 % of <paramref name="inputDataFilePath"/> (tab-separated, with a header), evaluates on the rest, saves the model.</summary>
    public static MulticlassClassificationMetrics Train(string outputModelPath, string inputDataFilePath, char separatorChar = '\t', bool hasHeader = true)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromTextFile<ModelInput>(inputDataFilePath, separatorChar, hasHeader, allowQuoting: false);
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        var model = RetrainModel(ml, split.TrainSet);
        ml.Model.Save(model, data.Schema, outputModelPath);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        ((IDisposable)model).Dispose();
        return metrics;
    }

    /// <summary>Fits the pipeline on <paramref name="trainData"/>.</summary>
    public static ITransformer RetrainModel(MLContext ml, IDataView trainData) => BuildPipeline(ml).Fit(trainData);

    /// <summary>The model's prediction for one text.</summary>
    public static ModelOutput Predict(ModelInput input, string modelPath)
    {
        var ml = new MLContext();
        return ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(ml.Model.Load(modelPath, out _)).Predict(input);
    }

    /// <summary>Every label with its score, best first (Model Builder's PredictAllLabels).</summary>
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

    /// <summary>The three JSON fixtures ([{"text": …, "class": 0|1}]) as one TSV with labels "negative"/"positive".</summary>
    public static string WriteTsv(IEnumerable<string> jsonFiles, string tsv)
    {
        var lines = new List<string> { "Text\tLabel" };
        foreach (string file in jsonFiles)
            foreach (var row in JsonDocument.Parse(File.ReadAllText(file)).RootElement.EnumerateArray())
            {
                if (row.GetProperty("class").ValueKind != JsonValueKind.Number) continue; // each file ends with an unlabelled entry
                string text = row.GetProperty("text").GetString()!.Replace('\t', ' ').Trim();
                lines.Add($"{text}\t{(row.GetProperty("class").GetInt32() == 1 ? "positive" : "negative")}");
            }
        File.WriteAllLines(tsv, lines);
        return tsv;
    }
}
