// QuickStart: train an MLP on scikit-learn's 8×8 digits with MlNetDeep, evaluate it on a held-out 20 %,
// save model.zip (ML.NET), model.onnx and the training curves (curves.png, history.csv), reload the zip in a fresh
// MLContext and predict.
// Usage: dotnet run --project examples/QuickStart [-- --data FOLDER] [--output DIR]   (see README.md)
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep;
using MlNetDeep.Examples;
using MlNetDeep.Examples.QuickStart;

var arguments = args.ToList();
string dataDir, outputDir;
try
{
    dataDir = DataFolder.TakeOption(arguments, "--data") ?? DataFolder.Default("data");
    outputDir = DataFolder.TakeOption(arguments, "--output") ?? Directory.GetCurrentDirectory();
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
if (arguments.Count > 0)
{
    Console.Error.WriteLine($"unknown argument '{arguments[0]}'; usage: dotnet run --project examples/QuickStart [-- --data FOLDER] [--output DIR]");
    return 2;
}
string dataPath = Path.Combine(dataDir, "digits.csv.gz");
if (!File.Exists(dataPath))
{
    Console.Error.WriteLine($"QuickStart data not found: {dataPath} does not exist. Pass --data <folder> naming a folder that holds " +
        $"digits.csv.gz (default: {DataFolder.Default("data")}, shipped with the repository), or re-extract it with  " +
        "bash examples/QuickStart/fetch-digits.sh [FOLDER]");
    return 2;
}
Directory.CreateDirectory(outputDir);
var clock = Stopwatch.StartNew();

var ml = new MLContext(seed: 1);
var digits = DigitsDataset.Load(dataPath);
var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(digits), testFraction: 0.2, seed: 1);
Console.WriteLine($"digits: {digits.Count} rows, 64 features, from {dataPath}; training on 80 %, testing on 20 % (seed 1)");

var trainer = ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options
{
    HiddenLayers = [128, 64],
    DropoutRate = 0.1f,
    NumberOfEpochs = 40,
    BatchSize = 32,
    LearningRate = 1e-3f,
    Seed = 1,
    Progress = new Progress<EpochReport>(r => { if (r.Epoch % 5 == 0 || r.Epoch == 1) Console.WriteLine($"  {r}"); }),
});
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(trainer)
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel"));

var model = pipeline.Fit(split.TrainSet);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
double macroF1 = MacroF1(metrics.ConfusionMatrix);
Console.WriteLine($"held-out accuracy {metrics.MicroAccuracy:P2}, macro-F1 {macroF1:F4}, log-loss {metrics.LogLoss:F4}");

string zipPath = Path.Combine(outputDir, "model.zip");
string onnxPath = Path.Combine(outputDir, "model.onnx");
ml.Model.Save(model, split.TrainSet.Schema, zipPath);
trainer.LastTrainingReport!.SaveOnnx(onnxPath);
Console.WriteLine($"saved {zipPath} and {onnxPath}");
string curvesPath = Path.Combine(outputDir, "curves.png"), historyPath = Path.Combine(outputDir, "history.csv");
trainer.LastTrainingReport.SaveCurves(curvesPath);      // loss per epoch as a PNG
trainer.LastTrainingReport.SaveHistoryCsv(historyPath); // the same numbers, one row per epoch
Console.WriteLine($"saved {curvesPath} and {historyPath}");

var fresh = new MLContext();
var loaded = fresh.Model.Load(zipPath, out _);
var engine = fresh.Model.CreatePredictionEngine<Digit, DigitPrediction>(loaded);
foreach (var digit in digits.Take(5))
{
    var p = engine.Predict(digit);
    Console.WriteLine($"  digit {digit.Label}: predicted {p.PredictedDigit} (p = {p.Score.Max():F3})");
}
Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s");
// Measured 96.5 % (README.md); 93 % leaves room for another machine's summation order.
return metrics.MicroAccuracy >= 0.93 ? 0 : 1;

// Macro-F1: the mean over classes of 2PR/(P+R) from the confusion matrix.
static double MacroF1(ConfusionMatrix cm) => cm.PerClassPrecision.Zip(cm.PerClassRecall, (p, r) => p + r == 0 ? 0 : 2 * p * r / (p + r)).Average();

/// <summary>What the reloaded model returns for a digit.</summary>
internal sealed class DigitPrediction
{
    public float PredictedDigit { get; set; }

    public float[] Score { get; set; } = [];
}
