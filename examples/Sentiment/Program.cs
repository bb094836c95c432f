// Sentiment: classify 3,000 short reviews (Amazon, IMDB, Yelp; npm sentiment@5.0.2 fixtures) as positive or negative
// from their raw text, with a word-level TextCNN (default) or a BiLSTM; or, with "featurize", ML.NET's FeaturizeText
// bag of n-grams into an MLP (FeatureScaling.None) against ML.NET's SDCA trainers, on each set. Fixed-seed 80/20 split.
// Usage: bash examples/Sentiment/fetch-data.sh && dotnet run -c Release --project examples/Sentiment [-- cnn|bilstm|charcnn|featurize] [--data FOLDER] [--output DIR]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MlNetDeep;
using MlNetDeep.Examples;

var arguments = args.ToList();
string dataDir, outputDir;
try
{
    dataDir = DataFolder.TakeOption(arguments, "--data") ?? DataFolder.Default("data");
    outputDir = DataFolder.TakeOption(arguments, "--output") ?? DataFolder.Default("output");
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
string[] sources = ["amazon", "imdb", "yelp"];
string rawDir = Path.Combine(dataDir, "raw");
if (sources.FirstOrDefault(s => !File.Exists(Path.Combine(rawDir, s + ".json"))) is { } missing)
{
    Console.Error.WriteLine($"Sentiment data not found: {Path.Combine(rawDir, missing + ".json")} does not exist. Fetch the data with  " +
        $"bash examples/Sentiment/fetch-data.sh [FOLDER]  (FOLDER defaults to examples/Sentiment/data), or pass --data <folder> " +
        $"naming a folder that holds raw/amazon.json, raw/imdb.json and raw/yelp.json (default: {DataFolder.Default("data")}).");
    return 2;
}
string network = arguments.FirstOrDefault() ?? "cnn";
var clock = Stopwatch.StartNew();
var reviews = sources
    .SelectMany(source => JsonSerializer.Deserialize<List<Fixture>>(File.ReadAllText(Path.Combine(rawDir, source + ".json")))!
        .Where(f => f.@class is 0 or 1) // each file ends with an empty, unlabelled entry
        .Select(f => new Review { Text = f.text, Label = f.@class == 1 ? "positive" : "negative", Positive = f.@class == 1, Source = source }))
    .ToList();
var overrides = arguments.Skip(1).Select(a => a.Split('=')).ToList();
if (overrides.FirstOrDefault(kv => kv.Length != 2) is { } malformed)
{
    Console.Error.WriteLine($"expected KEY=VALUE after the network name, got '{string.Join('=', malformed)}'");
    return 2;
}
if (network == "featurize") return Featurized.Run(reviews, overrides);

var ml = new MLContext(seed: 1);
var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(reviews), testFraction: 0.2, seed: 1);
Console.WriteLine($"{reviews.Count} sentences from {rawDir}; 80/20 split with seed 1; network: {network}");

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
    "cnn" => new TextClassifier.Options
    {
        Network = TextNetwork.Cnn, EmbeddingSize = 64, MaximumLength = 48,
        Cnn = new TextCnnArchitecture { KernelSizes = [3, 4, 5], FiltersPerKernel = 64 },
        NumberOfEpochs = 12, BatchSize = 32, LearningRate = 1e-3f,
    },
    _ => null,
};
if (options is null)
{
    Console.Error.WriteLine($"unknown network '{network}': expected cnn, bilstm, charcnn or featurize");
    return 2;
}
options.Seed = 1;
// Quick experiments: KEY=VALUE overrides after the network name, e.g. epochs=20 lr=0.002 emb=32 filters=32 len=40 dropout=0.5
foreach (var kv in overrides)
{
    switch (kv[0])
    {
        case "epochs": options.NumberOfEpochs = int.Parse(kv[1]); break;
        case "lr": options.LearningRate = float.Parse(kv[1], CultureInfo.InvariantCulture); break;
        case "emb": options.EmbeddingSize = int.Parse(kv[1]); break;
        case "filters": options.Cnn = options.Cnn with { FiltersPerKernel = int.Parse(kv[1]) }; break;
        case "hidden": options.Recurrent = options.Recurrent with { HiddenSize = int.Parse(kv[1]) }; break;
        case "len": options.MaximumLength = int.Parse(kv[1]); break;
        case "dropout":
            float dropout = float.Parse(kv[1], CultureInfo.InvariantCulture);
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
Directory.CreateDirectory(outputDir);
string curvesPath = Path.Combine(outputDir, $"{network}-curves.png"), historyPath = Path.Combine(outputDir, $"{network}-history.csv");
trainer.LastTrainingReport!.SaveCurves(curvesPath);     // training loss per epoch
trainer.LastTrainingReport.SaveHistoryCsv(historyPath);
Console.WriteLine($"saved {curvesPath} and {historyPath}");

var engine = ml.Model.CreatePredictionEngine<Review, SentimentPrediction>(model);
foreach (var text in new[] { "The battery died after two days, total waste of money.", "Absolutely loved the food and the staff!", "" })
    Console.WriteLine($"  \"{text}\" → {engine.Predict(new Review { Text = text }).PredictedSentiment}");
// The README's runs measure 78–80 %; 75 % leaves room for another machine's summation order.
return metrics.MicroAccuracy >= 0.75 ? 0 : 1;

/// <summary>
/// FeaturizeText (ML.NET's default word 1–2-grams and character 3-grams, L2-normalised) into an MLP with
/// FeatureScaling.None, against SDCA maximum entropy and SDCA logistic regression on the same features, on each set
/// and on all three together, each with the same 80/20 split (seed 1) for every trainer.
/// </summary>
internal static class Featurized
{
    public static int Run(List<Review> reviews, List<string[]> overrides)
    {
        var mlp = new MlpClassifier.Options
        {
            FeatureScaling = FeatureScaling.None, HiddenLayers = [64], DropoutRate = 0.5f,
            NumberOfEpochs = 10, BatchSize = 32, LearningRate = 1e-3f, Seed = 1,
        };
        foreach (var kv in overrides)
        {
            switch (kv[0])
            {
                case "hidden": mlp.HiddenLayers = kv[1].Length == 0 ? [] : kv[1].Split(',').Select(int.Parse).ToArray(); break;
                case "epochs": mlp.NumberOfEpochs = int.Parse(kv[1]); break;
                case "lr": mlp.LearningRate = float.Parse(kv[1], CultureInfo.InvariantCulture); break;
                case "dropout": mlp.DropoutRate = float.Parse(kv[1], CultureInfo.InvariantCulture); break;
                case "batch": mlp.BatchSize = int.Parse(kv[1]); break;
                case "scaling": mlp.FeatureScaling = Enum.Parse<FeatureScaling>(kv[1], ignoreCase: true); break;
                default: Console.Error.WriteLine($"unknown override '{kv[0]}' (featurize: hidden, epochs, lr, dropout, batch, scaling)"); return 2;
            }
        }
        Console.WriteLine($"FeaturizeText → MLP (hidden [{string.Join(", ", mlp.HiddenLayers)}], FeatureScaling {mlp.FeatureScaling}, dropout {mlp.DropoutRate}, " +
            $"{mlp.NumberOfEpochs} epochs, batch {mlp.BatchSize}, Adam {mlp.LearningRate}, seed 1) vs SDCA; 80/20 split, seed 1, per set");
        Console.WriteLine($"| set | train / test | MLP (FeatureScaling.{mlp.FeatureScaling}) | SDCA maximum entropy | SDCA logistic regression |");
        Console.WriteLine("|---|---|---|---|---|");
        bool atLeastSdca = true;
        foreach (string set in new[] { "amazon", "imdb", "yelp", "all three" })
        {
            var rows = set == "all three" ? reviews : reviews.Where(r => r.Source == set).ToList();
            var ml = new MLContext(seed: 1);
            var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: 1);
            var featurize = ml.Transforms.Text.FeaturizeText("Features", "Text");

            var neural = ml.Transforms.Conversion.MapValueToKey("Label").Append(featurize)
                .Append(ml.DeepLearning().MulticlassClassification.Mlp(mlp)); // the trainer copies the options
            double mlpAccuracy = ml.MulticlassClassification.Evaluate(neural.Fit(split.TrainSet).Transform(split.TestSet)).MicroAccuracy;

            var maximumEntropy = ml.Transforms.Conversion.MapValueToKey("Label").Append(featurize)
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options { NumberOfThreads = 1 }));
            double sdcaAccuracy = ml.MulticlassClassification.Evaluate(maximumEntropy.Fit(split.TrainSet).Transform(split.TestSet)).MicroAccuracy;

            var logistic = featurize.Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(
                new SdcaLogisticRegressionBinaryTrainer.Options { LabelColumnName = "Positive", NumberOfThreads = 1 }));
            double logisticAccuracy = ml.BinaryClassification.Evaluate(logistic.Fit(split.TrainSet).Transform(split.TestSet), labelColumnName: "Positive").Accuracy;

            int test = split.TestSet.GetColumn<string>("Text").Count();
            Console.WriteLine($"| {set} | {rows.Count - test} / {test} | {mlpAccuracy:P1} | {sdcaAccuracy:P1} | {logisticAccuracy:P1} |");
            atLeastSdca &= mlpAccuracy >= Math.Max(sdcaAccuracy, logisticAccuracy);
        }
        Console.WriteLine(atLeastSdca ? "the MLP reaches at least both SDCA accuracies on every set" : "the MLP is below an SDCA accuracy on some set");
        return 0;
    }
}

internal sealed class Review
{
    public string Text { get; set; } = "";
    public string Label { get; set; } = "";
    public bool Positive { get; set; }
    public string Source { get; set; } = "";
}

internal sealed class SentimentPrediction
{
    public string PredictedSentiment { get; set; } = "";
}

internal sealed record Fixture(string text, int? @class);
