// G2P: grapheme-to-phoneme on the CMU Pronouncing Dictionary with MlNetDeep's encoder–decoder (bidirectional GRU encoder,
// GRU decoder with Luong attention), trained on 90 % of the words, early-stopped on 5 %, and tested on the other 5 %
// with greedy decoding and beam search. A word counts as right when the output equals any of its pronunciations.
// Writes model.zip, the stand-alone model.onnx (see node/README.md) and attention heatmaps.
// Usage: bash examples/G2P/fetch-cmudict.sh, then: dotnet run -c Release --project examples/G2P [-- --data FOLDER] [--output DIR]
//        [--epochs N] [--max-words N] [--hidden N] [--encoder-layers N] [--learning-rate R] (see README.md)
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep;
using MlNetDeep.Examples;

var arguments = args.ToList();
string dataDir, outputDir;
int epochs = 20, maxWords = int.MaxValue, hidden = 192, encoderLayers = 1; // 12 epochs of 128 units: 31.76 % beam WER (README)
float learningRate = 1e-3f; // 2e-3 ended 5.5 WER points worse (README)
try
{
    dataDir = DataFolder.TakeOption(arguments, "--data") ?? DataFolder.Default("data");
    outputDir = DataFolder.TakeOption(arguments, "--output") ?? DataFolder.Default("output");
    epochs = TakeCount(arguments, "--epochs") ?? epochs;
    maxWords = TakeCount(arguments, "--max-words") ?? maxWords;
    hidden = TakeCount(arguments, "--hidden") ?? hidden;
    encoderLayers = TakeCount(arguments, "--encoder-layers") ?? encoderLayers;
    learningRate = TakeRate(arguments, "--learning-rate") ?? learningRate;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
if (arguments.Count > 0)
{
    Console.Error.WriteLine($"unknown argument '{arguments[0]}'; usage: dotnet run -c Release --project examples/G2P [-- --data FOLDER] [--output DIR] [--epochs N] [--max-words N] [--hidden N] [--encoder-layers N] [--learning-rate R]");
    return 2;
}
string dictionaryPath = Path.Combine(dataDir, "cmudict.tsv");
if (!File.Exists(dictionaryPath))
{
    Console.Error.WriteLine($"CMU dictionary not found: {dictionaryPath} does not exist. Fetch it with  bash {CmuDictionary.FetchScript}  " +
        $"(needs Node.js and npm), or pass --data <folder> naming a folder that holds cmudict.tsv (default: {DataFolder.Default("data")}).");
    return 2;
}
Directory.CreateDirectory(outputDir);

// 1. The dictionary and its split by word (90/5/5, fixed seed): every pronunciation of a word is in the same part.
var dictionary = CmuDictionary.Load(dictionaryPath);
var split = dictionary.Split();
var trainWords = split.Train.Take(maxWords).ToDictionary(w => w.Key, w => w.Value);
Console.WriteLine($"CMUdict: {dictionary.Words.Count:N0} words, {dictionary.PronunciationCount:N0} pronunciations (stress removed); " +
    $"train {trainWords.Count:N0} / validation {split.Validation.Count:N0} / test {split.Test.Count:N0} words");

var ml = new MLContext(seed: 1);
IDataView Pairs(IReadOnlyDictionary<string, string[]> part) =>
    ml.Data.LoadFromEnumerable(CmuSplit.Pairs(part).Select(p => new WordPair { Word = p.Word, Phonemes = p.Phonemes }));

// 2. Training: letters in, phoneme words out; early stopping on the validation words' token accuracy.
var options = new EncoderDecoder.Options
{
    SourceColumnName = nameof(WordPair.Word), LabelColumnName = nameof(WordPair.Phonemes), PredictedTextColumnName = "Predicted",
    SourceTokenUnit = TokenUnit.Characters, TargetTokenUnit = TokenUnit.Words,
    Cell = RecurrentCellKind.Gru, EmbeddingSize = 64, HiddenSize = hidden, EncoderLayers = encoderLayers, BidirectionalEncoder = true, Attention = AttentionKind.General,
    InputFeeding = true, DropoutRate = 0.2f,
    Decoding = new DecodingOptions { BeamSize = 5, MaximumLength = 32 },
    // Peak rate (1e-3 by default) after one warm-up epoch (none in a one-epoch try), annealed along a cosine to 1e-5 by the last epoch; label smoothing 0.1.
    NumberOfEpochs = epochs, BatchSize = 64, LearningRate = learningRate, Seed = 1,
    LearningRateSchedule = LearningRateSchedule.Cosine(warmupEpochs: epochs > 1 ? 1 : 0, minimumLearningRate: 1e-5f), LabelSmoothing = 0.1f,
    // Patience grows with the epoch count: early in a long cosine schedule the rate is high and the validation accuracy dips now and then.
    ValidationSet = Pairs(split.Validation), EarlyStoppingMetric = EarlyStoppingMetric.TokenAccuracy, EarlyStoppingPatience = Math.Max(3, epochs / 4),
    AttentionColumnName = "Attention",
    Progress = new Progress<EpochReport>(r => Console.WriteLine($"  {r}")),
};
var trainer = ml.DeepLearning().SequenceToSequence.EncoderDecoder(options);
var training = Pairs(trainWords);
var clock = Stopwatch.StartNew();
var beamModel = trainer.Fit(training);
var trainingTime = clock.Elapsed;
var report = trainer.LastTrainingReport!;
Console.WriteLine($"trained {report.History.Count} epochs in {trainingTime.TotalMinutes:F1} min, kept epoch {report.BestEpoch}");

string zipPath = Path.Combine(outputDir, "model.zip"), onnxPath = Path.Combine(outputDir, "model.onnx");
ml.Model.Save(beamModel, training.Schema, zipPath);
report.SaveOnnx(onnxPath);
string curvesPath = Path.Combine(outputDir, "curves.png"), historyPath = Path.Combine(outputDir, "history.csv");
report.SaveCurves(curvesPath);      // training and validation loss, validation token accuracy, the kept epoch
report.SaveHistoryCsv(historyPath);
Console.WriteLine($"saved {zipPath}, {onnxPath}, {curvesPath} and {historyPath}");

// 3. Test words, each with all its pronunciations as references: greedy (the same network re-exported with K = 1) and beam (K = 5).
var test = ml.Data.LoadFromEnumerable(split.Test.Select(w => new TestWord { Word = w.Key, Pronunciations = w.Value }));
var greedyModel = trainer.WithDecoding(new DecodingOptions { BeamSize = 1, MaximumLength = 32 });
var results = new List<(string Name, SequenceToSequenceMetrics Metrics, double MsPerWord, string[] Outputs)>();
foreach (var (name, model) in new[] { ("greedy (K = 1)", (ITransformer)greedyModel), ("beam search (K = 5)", beamModel) })
{
    var timer = Stopwatch.StartNew();
    var scored = ml.Data.Cache(model.Transform(test)); // scored once, read by the evaluation and the comparison below
    var metrics = ml.DeepLearning().SequenceToSequence.Evaluate(scored, labelColumnName: nameof(TestWord.Pronunciations),
        predictedTextColumnName: "Predicted", tokenUnit: TokenUnit.Words);
    results.Add((name, metrics, timer.Elapsed.TotalMilliseconds / split.Test.Count, scored.GetColumn<string>("Predicted").ToArray()));
}
Console.WriteLine();
Console.WriteLine($"| decoding | WER | PER | BLEU-4 | scoring (ms/word, ML.NET) |");
Console.WriteLine($"|---|---|---|---|---|");
foreach (var (name, m, ms, _) in results)
    Console.WriteLine(FormattableString.Invariant($"| {name} | {m.SequenceErrorRate:P2} | {m.TokenErrorRate:P2} | {m.Bleu4:F3} | {ms:F2} |"));
int differing = results[0].Outputs.Zip(results[1].Outputs).Count(p => p.First != p.Second);
Console.WriteLine($"beam search and greedy decoding differ on {differing:N0} of {split.Test.Count:N0} test words");
Console.WriteLine(FormattableString.Invariant($"training: {report.History.Count} epochs, {trainingTime.TotalMinutes:F1} min on {Environment.ProcessorCount} cores ({trainWords.Count:N0} words)"));

// 4. A few words, their pronunciations and attention heatmaps (PredictionEngine, like an application would).
var engine = ml.Model.CreatePredictionEngine<WordPair, Prediction>(beamModel);
foreach (string word in new[] { "phoenix", "knight", "xylophone", "mlnetdeep" })
{
    var prediction = engine.Predict(new WordPair { Word = word });
    string known = dictionary.Words.TryGetValue(word, out var references) ? $" (CMUdict: {string.Join(" | ", references)})" : " (not in CMUdict)";
    Console.WriteLine($"{word} → {prediction.Predicted}{known}");
    string png = Path.Combine(outputDir, $"attention-{word}.png");
    AttentionHeatmap.Save(png, word, prediction.Predicted.Split(' ', StringSplitOptions.RemoveEmptyEntries), prediction.Attention);
}
Console.WriteLine($"attention heatmaps: {Path.Combine(outputDir, "attention-*.png")}");
Console.WriteLine($"the same file without ML.NET: cd examples/G2P/node && npm install && node decode.mjs {onnxPath} phoenix knight");
return 0;

static int? TakeCount(List<string> args, string name) =>
    TakeValue<int>(args, name, text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 ? v : (int?)null,
        "a positive whole number", "5");

static float? TakeRate(List<string> args, string name) =>
    TakeValue<float>(args, name, text => float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && v > 0f && v < 1f ? v : (float?)null,
        "a rate between 0 and 1", "1e-3");

// Removes "name value" from args and returns the parsed value; null when the option is absent.
static T? TakeValue<T>(List<string> args, string name, Func<string, T?> parse, string expected, string example) where T : struct
{
    int i = args.IndexOf(name);
    if (i < 0) return null;
    T? value = i + 1 < args.Count ? parse(args[i + 1]) : null;
    if (value is null) throw new ArgumentException($"{name} needs {expected} after it, e.g. {name} {example}");
    args.RemoveRange(i, 2);
    return value;
}

internal sealed class WordPair
{
    public string Word { get; set; } = "";

    public string Phonemes { get; set; } = "";
}

internal sealed class TestWord
{
    public string Word { get; set; } = "";

    [VectorType]
    public string[] Pronunciations { get; set; } = [];
}

internal sealed class Prediction
{
    public string Predicted { get; set; } = "";

    public float Score { get; set; }

    public float[] Attention { get; set; } = [];
}
