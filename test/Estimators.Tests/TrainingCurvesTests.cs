using System.Globalization;
using SkiaSharp;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// TrainingReport.SaveHistoryCsv and SaveCurves on hand-made histories: the CSV parses back to the reported values, the
/// PNG decodes to 900 × 500 and draws the series it should, both write through a temp file, and bad arguments are named.
/// </summary>
public sealed class TrainingCurvesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetdeep-curves-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    // Values that a fixed-decimals or culture-dependent writer would change: 0.1 + 0.2, a third, tiny and large numbers.
    private static readonly EpochReport[] WithValidation =
    [
        new(1, 4, 2.3025850929940459, 0.1 + 0.2, 1.0 / 3, "accuracy", TimeSpan.FromSeconds(1.25), IsBest: true, LearningRate: 1e-3),
        new(2, 4, 0.6931471805599453, 0.2, 0.7, "accuracy", TimeSpan.FromTicks(12_345_678), IsBest: true, LearningRate: 1e-3),
        new(3, 4, 1e-7, 0.25, 0.65, "accuracy", TimeSpan.FromSeconds(0.5), IsBest: false, LearningRate: 1e-3),
        new(4, 4, 12345.678, 0.3, 0.6, "accuracy", TimeSpan.FromSeconds(3), IsBest: false, LearningRate: 1e-3),
    ];

    private static readonly EpochReport[] WithoutValidation =
    [
        new(1, 3, 1.5, null, null, null, TimeSpan.FromSeconds(1), IsBest: true, LearningRate: 1e-3),
        new(2, 3, 0.5, null, null, null, TimeSpan.FromSeconds(1.5), IsBest: true, LearningRate: 1e-3),
        new(3, 3, 0.125, null, null, null, TimeSpan.FromSeconds(2), IsBest: true, LearningRate: 1e-3),
    ];

    private static TrainingReport Report(EpochReport[] history, int bestEpoch) => new([1, 2, 3], history, bestEpoch);

    private static string[][] ReadCsv(string path)
    {
        string text = File.ReadAllText(path);
        Assert.EndsWith("\n", text);
        Assert.DoesNotContain("\r", text);
        return [.. text.TrimEnd('\n').Split('\n').Select(line => line.Split(','))];
    }

    private static double? Cell(string text) => text.Length == 0 ? null : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [Fact]
    public void CsvHasOneRowPerEpochThatParsesBackToTheReportedValues()
    {
        string path = PathOf("history.csv");
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // decimal comma: the file must not follow it
        try
        {
            Report(WithValidation, bestEpoch: 2).SaveHistoryCsv(path);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        var rows = ReadCsv(path);
        Assert.Equal(["epoch", "learning_rate", "training_loss", "validation_loss", "validation_accuracy", "elapsed_seconds", "is_best"], rows[0]);
        Assert.Equal(WithValidation.Length + 1, rows.Length);
        for (int i = 0; i < WithValidation.Length; i++)
        {
            var (row, report) = (rows[i + 1], WithValidation[i]);
            Assert.Equal(7, row.Length);
            Assert.Equal(report.Epoch, int.Parse(row[0], CultureInfo.InvariantCulture));
            Assert.Equal(report.LearningRate, Cell(row[1]));
            Assert.Equal(report.TrainingLoss, Cell(row[2]));
            Assert.Equal(report.ValidationLoss, Cell(row[3]));
            Assert.Equal(report.ValidationMetric, Cell(row[4]));
            Assert.Equal(report.Elapsed.TotalSeconds, Cell(row[5]));
            Assert.Equal(report.IsBest ? "true" : "false", row[6]);
        }
        Assert.Equal("1,0.001,2.302585092994046,0.30000000000000004,0.3333333333333333,1.25,true", string.Join(',', rows[1]));
        Assert.Equal("4,0.001,12345.678,0.3,0.6,3,false", string.Join(',', rows[4]));
        Assert.Equal("1E-07", rows[3][2]);
    }

    [Fact]
    public void CsvWithoutValidationHasEmptyValidationCells()
    {
        string path = PathOf("history.csv");
        Report(WithoutValidation, bestEpoch: 3).SaveHistoryCsv(path);

        Assert.Equal(
            "epoch,learning_rate,training_loss,validation_loss,validation_metric,elapsed_seconds,is_best\n" +
            "1,0.001,1.5,,,1,true\n" +
            "2,0.001,0.5,,,1.5,true\n" +
            "3,0.001,0.125,,,2,true\n",
            File.ReadAllText(path));
        Assert.False(File.ReadAllBytes(path).AsSpan().StartsWith("\uFEFF"u8), "no byte-order mark");
    }

    [Theory]
    [InlineData("accuracy", "validation_accuracy")]
    [InlineData("RMSE", "validation_rmse")]
    [InlineData("token accuracy", "validation_token_accuracy")]
    [InlineData(" F1 (macro), % ", "validation_f1_macro")]
    [InlineData("---", "validation_metric")]
    public void CsvNamesTheMetricInSnakeCase(string metricName, string header)
    {
        string path = PathOf("history.csv");
        Report([new(1, 1, 1, 0.5, 0.9, metricName, TimeSpan.FromSeconds(1), true, LearningRate: 1e-3)], bestEpoch: 1).SaveHistoryCsv(path);
        Assert.Equal(header, ReadCsv(path)[0][4]);
    }

    // Category10, the palette the plot draws with: training loss, validation loss, validation metric.
    private static readonly SKColor Blue = SKColor.Parse("1f77b4"), Orange = SKColor.Parse("ff7f0e"), Green = SKColor.Parse("2ca02c"), Red = SKColor.Parse("d62728");

    private static (SKBitmap Bitmap, HashSet<SKColor> Colours) ReadPng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan().StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "PNG signature");
        var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.Equal((900, 500), (bitmap.Width, bitmap.Height));
        return (bitmap, [.. bitmap.Pixels.Select(p => p.WithAlpha(255))]);
    }

    [Fact]
    public void ALearningRateThatChangesGetsAThirdPanelAndAConstantOneNone()
    {
        string path = PathOf("curves.png");
        var scheduled = WithValidation.Select((r, i) => r with { LearningRate = 1e-2 * Math.Pow(0.5, i) }).ToArray();
        Report(scheduled, bestEpoch: 2).SaveCurves(path);
        var (bitmap, colours) = ReadPng(path);
        using (bitmap)
        {
            Assert.Contains(Red, colours);
            bool InLastThird(SKColor colour) => Enumerable.Range(0, bitmap.Height).Any(y =>
                Enumerable.Range(2 * bitmap.Width / 3, bitmap.Width / 3).Any(x => bitmap.GetPixel(x, y) == colour));
            Assert.True(InLastThird(Red), "learning rate in the third panel");
            Assert.False(InLastThird(Green), "the metric is not in the third panel");
        }
        Report(WithValidation, bestEpoch: 2).SaveCurves(path);
        var (constant, constantColours) = ReadPng(path);
        constant.Dispose();
        Assert.DoesNotContain(Red, constantColours);
    }

    [Fact]
    public void CurvesWithValidationDrawBothLossesAndTheMetricInASecondPanel()
    {
        string path = PathOf("curves.png");
        Report(WithValidation, bestEpoch: 2).SaveCurves(path);

        var (bitmap, colours) = ReadPng(path);
        using (bitmap)
        {
            Assert.True(colours.Count > 20, $"only {colours.Count} colours: a blank or nearly blank image");
            Assert.Contains(Blue, colours);
            Assert.Contains(Orange, colours);
            // The metric is drawn in the right-hand panel, the losses in the left-hand one.
            bool InHalf(SKColor colour, bool right) => Enumerable.Range(0, bitmap.Height).Any(y =>
                Enumerable.Range(right ? bitmap.Width / 2 : 0, bitmap.Width / 2).Any(x => bitmap.GetPixel(x, y) == colour));
            Assert.True(InHalf(Green, right: true), "validation metric in the right panel");
            Assert.False(InHalf(Green, right: false), "no metric in the loss panel");
            Assert.False(InHalf(Blue, right: true), "no training loss in the metric panel");
        }
    }

    [Fact]
    public void CurvesWithoutValidationDrawOnlyTheTrainingLoss()
    {
        string path = PathOf("curves.png");
        Report(WithoutValidation, bestEpoch: 3).SaveCurves(path);

        var (bitmap, colours) = ReadPng(path);
        using (bitmap)
        {
            Assert.True(colours.Count > 20, $"only {colours.Count} colours: a blank or nearly blank image");
            Assert.Contains(Blue, colours);
            Assert.DoesNotContain(Orange, colours);
            Assert.DoesNotContain(Green, colours);
            // One panel across the whole width: the training loss reaches into the right half.
            Assert.Contains(Enumerable.Range(0, bitmap.Height).SelectMany(y => Enumerable.Range(bitmap.Width / 2, bitmap.Width / 2).Select(x => bitmap.GetPixel(x, y))), p => p == Blue);
        }
    }

    [Fact]
    public void CurvesOfASingleEpochAndOfNonFiniteValuesStillRender()
    {
        string path = PathOf("one.png");
        Report([new(1, 1, 0.7, double.NaN, double.PositiveInfinity, "accuracy", TimeSpan.FromSeconds(1), true, LearningRate: 1e-3)], bestEpoch: 1).SaveCurves(path);
        var (bitmap, colours) = ReadPng(path);
        bitmap.Dispose();
        Assert.Contains(Blue, colours); // the one training-loss marker
        Assert.DoesNotContain(Orange, colours); // a NaN validation loss is not drawn
        Assert.DoesNotContain(Green, colours); // nor an infinite metric
    }

    [Theory]
    [InlineData(new[] { 1.5, 0.5, 0.125 }, true)] // a factor of 12
    [InlineData(new[] { 1.0, 0.1 }, true)] // exactly 10
    [InlineData(new[] { 1.0, 0.11 }, false)]
    [InlineData(new[] { 10.0, 0.0 }, false)] // a zero has no logarithm
    [InlineData(new[] { 5.0, -1.0 }, false)]
    public void TheLossAxisIsLogarithmicWhenTheLossesSpanAFactorOfTen(double[] values, bool wide)
    {
        Assert.Equal(wide, CurvesPlot.IsWide(values));
    }

    [Fact]
    public void LogTicksAreOneTwoFiveWithPlainLabels()
    {
        // QuickStart's losses: 1.56 down to 0.0045.
        Assert.Equal(["0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2"], CurvesPlot.LogTicks(0.0045, 1.56).Select(t => t.Label));
        Assert.Equal([0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2], CurvesPlot.LogTicks(0.0045, 1.56).Select(t => t.Value), (a, b) => Math.Abs(a / b - 1) < 1e-12);
        // Beyond four decades only the powers of ten, in exponent form below 1e-4; none far beyond the data (1e5).
        Assert.Equal(["1E-7", "1E-6", "1E-5", "0.0001", "0.001", "0.01", "0.1", "1", "10", "100", "1000", "10000"],
            CurvesPlot.LogTicks(1e-7, 12345.678).Select(t => t.Label));
    }

    [Fact]
    public void SavingReplacesAnExistingFileAndLeavesNoTempFile()
    {
        var report = Report(WithValidation, bestEpoch: 2);
        foreach (var (name, save) in new (string, Action<string>)[] { ("history.csv", report.SaveHistoryCsv), ("curves.png", report.SaveCurves), ("model.onnx", report.SaveOnnx) })
        {
            string path = PathOf(name);
            File.WriteAllText(path, "old");
            save(path);
            Assert.NotEqual("old", File.ReadAllText(path));
        }
        Assert.Equal(["curves.png", "history.csv", "model.onnx"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(PathOf("model.onnx")));
    }

    [Fact]
    public void AFailedWriteLeavesNoTempFile()
    {
        string path = PathOf("taken");
        Directory.CreateDirectory(path); // the rename onto a folder fails after the temp file is written
        var error = Record.Exception(() => Report(WithValidation, bestEpoch: 2).SaveHistoryCsv(path));
        Assert.True(error is IOException or UnauthorizedAccessException, $"unexpected {error?.GetType().Name ?? "no exception"}");
        Assert.False(File.Exists(path + ".tmp"));
        Assert.True(Directory.Exists(path));
    }

    public static TheoryData<string?> BadPaths => new(null, "", "   ");

    [Theory]
    [MemberData(nameof(BadPaths))]
    public void ANullOrBlankPathIsRejectedNamingTheParameter(string? path)
    {
        var report = Report(WithValidation, bestEpoch: 2);
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => report.SaveHistoryCsv(path!)).ParamName);
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => report.SaveCurves(path!)).ParamName);
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => report.SaveOnnx(path!)).ParamName);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void AMissingFolderIsNamed()
    {
        string folder = PathOf("missing");
        var report = Report(WithValidation, bestEpoch: 2);
        foreach (var save in new Action<string>[] { report.SaveHistoryCsv, report.SaveCurves, report.SaveOnnx })
        {
            var error = Assert.Throws<DirectoryNotFoundException>(() => save(Path.Combine(folder, "out.file")));
            Assert.Contains($"'{folder}' does not exist", error.Message);
        }
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void AnEmptyHistoryHasNothingToSave()
    {
        var report = Report([], bestEpoch: 0);
        foreach (var save in new Action<string>[] { report.SaveHistoryCsv, report.SaveCurves })
        {
            var error = Assert.Throws<InvalidOperationException>(() => save(PathOf("out.file")));
            Assert.Contains("History has no epochs", error.Message);
        }
        Assert.Empty(Directory.GetFiles(_dir));
        report.SaveOnnx(PathOf("model.onnx")); // the model itself does not need a history
        Assert.True(File.Exists(PathOf("model.onnx")));
    }
}
