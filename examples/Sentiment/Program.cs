// Sentiment: classify 3,000 short reviews (Amazon, IMDB, Yelp; npm sentiment@5.0.2 fixtures) as positive or negative
// from their raw text, with a word-level TextCNN (default) or a BiLSTM. Fixed-seed 80/20 split.
// Usage: bash examples/Sentiment/fetch-data.sh && dotnet run -c Release --project examples/Sentiment [-- cnn|bilstm|charcnn]
using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using MlNetDeep;
using MlNetDeep.Trainers;
using MlNetDeep.Transforms;

string network = args.FirstOrDefault() ?? "cnn";
string dataDir = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "data", "raw");
if (!File.Exists(Path.Combine(dataDir, "yelp.json")))
{
    Console.Error.WriteLine("Data missing: run  bash examples/Sentiment/fetch-data.sh");
    return 2;
}
var clock = Stopwatch.StartNew();
var reviews = new[] { "amazon", "imdb", "yelp" }
    .SelectMany(source => JsonSerializer.Deserialize<List<Fixture>>(File.ReadAllText(Path.Combine(dataDir, source + ".json")))!
        .Where(f => f.@class is 0 or 1) // each file ends with an empty, unlabelled entry
        .Select(f => new Review { Text = f.text, Label = f.@class == 1 ? "positive" : "negative", Source = source }))
    .ToList();

var ml = new MLContext(seed: 1);
var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(reviews), testFraction: 0.2, seed: 1);
Console.WriteLine($"{reviews.Count} sentences; 80/20 split with seed 1; network: {network}");

var options = network switch
{
    "bilstm" => new TextClassifier.Options
    {
        Network = TextNetwork.Recurrent,
        Recurrent = new RecurrentArchitecture { Cell = RecurrentCellKind.Lstm, Bidirectional = true, HiddenSize = 64, DropoutRate = 0.5f },
        EmbeddingSize = 64, MaximumLength = 48, NumberOfEpochs = 12, BatchSize = 32, LearningRate = 2e-3f,
    },
    "charcnn" => new TextClassifier.Options
    {
        Network = TextNetwork.Cnn, TokenUnit = TokenUnit.Characters, MaximumLength = 200, EmbeddingSize = 32,
        Cnn = new TextCnnArchitecture { KernelSizes = [3, 5, 7], FiltersPerKernel = 96 }, NumberOfEpochs = 20, BatchSize = 32, LearningRate = 1e-3f,
    },
    _ => new TextClassifier.Options
    {
        Network = TextNetwork.Cnn, EmbeddingSize = 64, MaximumLength = 48,
        Cnn = new TextCnnArchitecture { KernelSizes = [3, 4, 5], FiltersPerKernel = 64 },
        NumberOfEpochs = 12, BatchSize = 32, LearningRate = 1e-3f,
    },
};
options.Seed = 1;
// Quick experiments: KEY=VALUE overrides after the network name, e.g. epochs=20 lr=0.002 emb=32 filters=32 len=40 dropout=0.5
foreach (var kv in args.Skip(1).Select(a => a.Split('=')))
{
    switch (kv[0])
    {
        case "epochs": options.NumberOfEpochs = int.Parse(kv[1]); break;
        case "lr": options.LearningRate = float.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "emb": options.EmbeddingSize = int.Parse(kv[1]); break;
        case "filters": options.Cnn = options.Cnn with { FiltersPerKernel = int.Parse(kv[1]) }; break;
        case "hidden": options.Recurrent = options.Recurrent with { HiddenSize = int.Parse(kv[1]) }; break;
        case "len": options.MaximumLength = int.Parse(kv[1]); break;
        case "dropout":
            float dropout = float.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture);
            options.Cnn = options.Cnn with { DropoutRate = dropout };
            options.Recurrent = options.Recurrent with { DropoutRate = dropout };
            break;
        case "batch": options.BatchSize = int.Parse(kv[1]); break;
        default: Console.Error.WriteLine($"unknown override '{kv[0]}'"); return 2;
    }
}
options.Progress = new Progress<EpochReport>(r => Console.WriteLine($"  {r}"));
var trainer = ml.DeepLearning().MulticlassClassification.Text(options);
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(trainer)
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSentiment", "PredictedLabel"));
var model = pipeline.Fit(split.TrainSet);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"test accuracy {metrics.MicroAccuracy:P2}, log-loss {metrics.LogLoss:F4} ({clock.Elapsed.TotalSeconds:F0} s)");

var engine = ml.Model.CreatePredictionEngine<Review, SentimentPrediction>(model);
foreach (var text in new[] { "The battery died after two days, total waste of money.", "Absolutely loved the food and the staff!", "" })
    Console.WriteLine($"  \"{text}\" → {engine.Predict(new Review { Text = text }).PredictedSentiment}");
return metrics.MicroAccuracy >= 0.78 ? 0 : 1;

internal sealed class Review
{
    public string Text { get; set; } = "";
    public string Label { get; set; } = "";
    public string Source { get; set; } = "";
}

internal sealed class SentimentPrediction
{
    public string PredictedSentiment { get; set; } = "";
}

internal sealed record Fixture(string text, int? @class);
