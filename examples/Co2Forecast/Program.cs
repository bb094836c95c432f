// Co2Forecast: forecast the monthly Mauna Loa CO2 series with MlNetDeep's recurrent regressor (an LSTM that learns
// the change from a 24-month window's last value), compare it with the seasonal-naive forecast (the value 12 months
// earlier) on a held-out final 20 %, save model.zip and plot actual vs forecast.
// Usage: bash examples/Co2Forecast/fetch-data.sh, then: dotnet run --project examples/Co2Forecast [-- --data FOLDER] [--output DIR]
// (see README.md)
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep;
using MlNetDeep.Examples;
using MlNetDeep.Examples.Co2Forecast;
using ScottPlot;

const int Window = 24;            // months the network reads before each forecast
const double TestFraction = 0.2;  // final share of the months held out
const double ValidationFraction = 0.15; // final share of the training windows used for early stopping

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
if (arguments.Count > 0)
{
    Console.Error.WriteLine($"unknown argument '{arguments[0]}'; usage: dotnet run --project examples/Co2Forecast [-- --data FOLDER] [--output DIR]");
    return 2;
}
string dataPath = Path.Combine(dataDir, "raw", "co2-concentration.csv");
if (!File.Exists(dataPath))
{
    Console.Error.WriteLine($"CO2 data not found: {dataPath} does not exist. Fetch the data with  bash examples/Co2Forecast/fetch-data.sh [FOLDER]  " +
        $"(FOLDER defaults to examples/Co2Forecast/data), or pass --data <folder> naming a folder that holds raw/co2-concentration.csv " +
        $"(default: {DataFolder.Default("data")}).");
    return 2;
}
Directory.CreateDirectory(outputDir);
var clock = Stopwatch.StartNew();

// 1. The series and the split: training months first, the last 20 % of months for testing.
var (series, rowsInFile) = Co2Series.Load(dataPath);
float[] y = series.Values;
int testStart = (int)Math.Round(y.Length * (1 - TestFraction));
Console.WriteLine($"CO2 (Mauna Loa, monthly): {rowsInFile} rows in the file; using the longest gap-free run, " +
    $"{series.MonthAt(0):yyyy-MM} to {series.MonthAt(y.Length - 1):yyyy-MM} ({y.Length} months)");
Console.WriteLine($"training months {series.MonthAt(0):yyyy-MM} to {series.MonthAt(testStart - 1):yyyy-MM} ({testStart}); " +
    $"test months {series.MonthAt(testStart):yyyy-MM} to {series.MonthAt(y.Length - 1):yyyy-MM} ({y.Length - testStart})");

// 2. Windows of 24 months → next month, from the training months only; the latest 15 % validate (early stopping).
var windows = SeriesWindows.Create(y[..testStart], Window).Where(w => !float.IsNaN(w.Label)).ToList();
int validationCount = (int)Math.Round(windows.Count * ValidationFraction);
var ml = new MLContext(seed: 1);
var trainView = SeriesWindows.ToDataView(ml, windows[..^validationCount]);
var validationView = SeriesWindows.ToDataView(ml, windows[^validationCount..]);
Console.WriteLine($"{windows.Count} training windows of {Window} months: {windows.Count - validationCount} to fit, the latest {validationCount} to validate");

var trainer = ml.DeepLearning().Regression.Recurrent(new RecurrentRegressor.Options
{
    Recurrent = new RecurrentArchitecture { Cell = RecurrentCellKind.Lstm, HiddenSize = 32 },
    ForecastChanges = true,          // learn y[t+1] − y[t]: the trend leaves the training range, the changes do not
    NumberOfEpochs = 60,
    BatchSize = 16,
    LearningRate = 3e-3f,
    Seed = 1,
    ValidationSet = validationView,
    EarlyStoppingPatience = 10,
    Progress = new Progress<EpochReport>(r => Console.WriteLine($"  {r}")),
});
var model = trainer.Fit(trainView);
var report = trainer.LastTrainingReport!;
Console.WriteLine($"trained {report.History.Count} epochs, kept epoch {report.BestEpoch} ({clock.Elapsed.TotalSeconds:F1} s so far)");
string zipPath = Path.Combine(outputDir, "model.zip");
ml.Model.Save(model, trainView.Schema, zipPath);
string curvesPath = Path.Combine(outputDir, "curves.png"), historyPath = Path.Combine(outputDir, "history.csv");
report.SaveCurves(curvesPath);      // training and validation loss, validation RMSE, the kept epoch
report.SaveHistoryCsv(historyPath);
Console.WriteLine($"saved {zipPath}, {curvesPath} and {historyPath}");

// 3. One step ahead with true history: each test month is predicted from the 24 REAL months before it.
var testWindows = SeriesWindows.Create(y[(testStart - Window)..], Window).Where(w => !float.IsNaN(w.Label)).ToList();
float[] oneStep = model.Transform(SeriesWindows.ToDataView(ml, testWindows)).GetColumn<float>("Score").ToArray();
float[] actual = y[testStart..];
float[] seasonalNaive = Enumerable.Range(testStart, actual.Length).Select(t => y[t - 12]).ToArray();

// 4. Recursive multi-step: from the end of the training months only, each forecast is fed back as the next input.
var schema = SchemaDefinition.Create(typeof(SeriesWindow));
schema[nameof(SeriesWindow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Window);
var engine = ml.Model.CreatePredictionEngine<SeriesWindow, ScoreRow>(model, inputSchemaDefinition: schema);
var history = y[..testStart].ToList();
float[] recursive = new float[actual.Length];
for (int h = 0; h < actual.Length; h++)
{
    recursive[h] = engine.Predict(new SeriesWindow { Features = history.GetRange(history.Count - Window, Window).ToArray() }).Score;
    history.Add(recursive[h]);
}
// Its baseline: repeat the last training year (seasonal naive from the same forecast origin).
float[] repeatLastYear = Enumerable.Range(0, actual.Length).Select(h => y[testStart - 12 + h % 12]).ToArray();

double rmseModel = Rmse(oneStep, actual), rmseNaive = Rmse(seasonalNaive, actual);
double rmseRecursive = Rmse(recursive, actual), rmseRepeat = Rmse(repeatLastYear, actual);
Console.WriteLine();
Console.WriteLine($"test RMSE over {actual.Length} months (ppm):");
Console.WriteLine($"  one step ahead (true history)   LSTM {rmseModel:F3}   seasonal naive (12 months earlier) {rmseNaive:F3}   ratio {rmseModel / rmseNaive:F2}");
Console.WriteLine($"  recursive, {actual.Length} months ahead     LSTM {rmseRecursive:F3}   last training year repeated       {rmseRepeat:F3}");
Console.WriteLine($"  recursive RMSE in the first 12 months {Rmse(recursive[..12], actual[..12]):F3}, last 12 months {Rmse(recursive[^12..], actual[^12..]):F3}");

// 5. Plot: the last 5 training years and the test period.
int plotStart = testStart - 60;
double[] Years(int from, int count) => Enumerable.Range(from, count).Select(series.YearAt).ToArray();
static double[] D(IEnumerable<float> v) => v.Select(x => (double)x).ToArray();
string pngPath = Path.Combine(outputDir, "co2-forecast.png");
ForecastPlot.Save(pngPath, $"Mauna Loa CO₂: LSTM one-step RMSE {rmseModel:F2} ppm vs seasonal naive {rmseNaive:F2} ppm", series.YearAt(testStart),
[
    new("actual", Years(plotStart, y.Length - plotStart), D(y[plotStart..]), Colors.Black),
    new($"LSTM, one step ahead from true history (RMSE {rmseModel:F2})", Years(testStart, actual.Length), D(oneStep), Colors.OrangeRed),
    new($"LSTM, recursive from {series.MonthAt(testStart - 1):yyyy-MM}, no test data (RMSE {rmseRecursive:F2})", Years(testStart, actual.Length), D(recursive), Colors.RoyalBlue, Dashed: true),
    new($"seasonal naive, 12 months earlier (RMSE {rmseNaive:F2})", Years(testStart, actual.Length), D(seasonalNaive), Colors.Gray, Dashed: true),
]);
Console.WriteLine($"wrote {pngPath}");
Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s");
if (rmseModel >= rmseNaive)
{
    Console.Error.WriteLine("the LSTM did not beat the seasonal-naive baseline");
    return 1;
}
return 0;

static double Rmse(float[] forecast, float[] actual) => Math.Sqrt(forecast.Zip(actual, (f, a) => (double)(f - a) * (f - a)).Average());

/// <summary>What the model returns for one window.</summary>
internal sealed class ScoreRow
{
    public float Score { get; set; }
}
