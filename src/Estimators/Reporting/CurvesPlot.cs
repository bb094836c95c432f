using System.Globalization;
using ScottPlot;

namespace MlNetDeep;

/// <summary>
/// Draws the epoch history as a PNG (ScottPlot): side by side, the training and validation loss, and the validation
/// metric when there is one; a dashed vertical line marks the kept epoch in each panel.
/// </summary>
internal static class CurvesPlot
{
    /// <summary>Width of the image in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of the image in pixels.</summary>
    public const int Height = 500;

    /// <summary>One line: its legend text and an epoch's value (null where the epoch has none).</summary>
    private sealed record Series(string Legend, Func<EpochReport, double?> Value);

    /// <summary>One panel: title, y-axis label, whether a wide positive range is drawn on a log axis, and its lines.</summary>
    private sealed record Panel(string Title, string YLabel, bool LogWhenWide, Series[] Series);

    /// <summary>The panels, in order. A new per-epoch value is one more series or panel here; a panel with no value in
    /// any epoch (the metric without validation; the learning rate when it never changes) is left out.</summary>
    private static Panel[] Panels(IReadOnlyList<EpochReport> history)
    {
        string metric = history.Select(r => r.ValidationMetricName).FirstOrDefault(n => !string.IsNullOrWhiteSpace(n)) ?? "metric";
        bool varies = history.Any(r => r.LearningRate != history[0].LearningRate);
        return
        [
            new("Loss", "loss", LogWhenWide: true,
                [new("training loss", r => r.TrainingLoss), new("validation loss", r => r.ValidationLoss)]),
            new($"Validation {metric}", metric, LogWhenWide: false,
                [new($"validation {metric}", r => r.ValidationMetric)]),
            new("Learning rate", "learning rate (last mini-batch)", LogWhenWide: true,
                [new("learning rate", r => varies ? r.LearningRate : null)]),
        ];
    }

    /// <summary>The PNG bytes, <see cref="Width"/> × <see cref="Height"/>.</summary>
    /// <param name="history">At least one epoch.</param>
    /// <param name="bestEpoch">The kept epoch, marked when it lies within the history's epochs.</param>
    public static byte[] Render(IReadOnlyList<EpochReport> history, int bestEpoch)
    {
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0;
        var plots = new List<Plot>();
        try
        {
            foreach (var panel in Panels(history))
            {
                var lines = panel.Series.Select(s => (s.Legend, Points: Points(history, s.Value), Color: palette.GetColor(colour++)))
                    .Where(l => l.Points.Length > 0).ToArray();
                if (lines.Length == 0) continue;
                plots.Add(Draw(panel, lines, history, bestEpoch));
            }
            var multiplot = new Multiplot(plots[0]);
            foreach (var plot in plots.Skip(1)) multiplot.AddPlot(plot);
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
            using var image = multiplot.Render(Width, Height);
            return image.GetImageBytes(ImageFormat.Png, 100);
        }
        finally
        {
            foreach (var plot in plots) plot.Dispose();
        }
    }

    private static Plot Draw(Panel panel, (string Legend, (int Epoch, double Value)[] Points, Color Color)[] lines,
        IReadOnlyList<EpochReport> history, int bestEpoch)
    {
        var values = lines.SelectMany(l => l.Points).Select(p => p.Value).ToArray();
        bool log = panel.LogWhenWide && IsWide(values);
        var plot = new Plot();
        foreach (var (legend, points, color) in lines)
        {
            double[] xs = [.. points.Select(p => (double)p.Epoch)];
            double[] ys = [.. points.Select(p => log ? Math.Log10(p.Value) : p.Value)];
            var scatter = plot.Add.Scatter(xs, ys, color);
            scatter.LegendText = legend;
            scatter.LineWidth = 2;
            // Markers show single epochs and gaps; on long histories they would only blur the line.
            scatter.MarkerSize = history.Count <= 60 ? 5 : 0;
        }
        if (bestEpoch >= history.Min(r => r.Epoch) && bestEpoch <= history.Max(r => r.Epoch))
        {
            var best = plot.Add.VerticalLine(bestEpoch, 1.5f, Colors.Gray, LinePattern.Dashed);
            best.LegendText = $"kept epoch ({bestEpoch})";
        }
        plot.Title(panel.Title);
        plot.XLabel("epoch");
        plot.YLabel(log ? panel.YLabel + " (log scale)" : panel.YLabel);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (log)
        {
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            foreach (var (value, label) in LogTicks(values.Min(), values.Max())) ticks.AddMajor(Math.Log10(value), label);
            plot.Axes.Left.TickGenerator = ticks;
        }
        // Below the data: curves rise or fall in any corner, so a legend inside the axes would cover some of them.
        plot.ShowLegend(Edge.Bottom);
        // The same margins in every panel (room for two legend rows), so the panels' data areas line up.
        plot.Layout.Fixed(new PixelPadding(left: 80, right: 20, bottom: 130, top: 40));
        return plot;
    }

    /// <summary>The epochs of <paramref name="history"/> that have a finite value, with that value.</summary>
    private static (int Epoch, double Value)[] Points(IReadOnlyList<EpochReport> history, Func<EpochReport, double?> value) =>
        [.. history.Select(r => (r.Epoch, Value: value(r))).Where(p => p.Value is double v && double.IsFinite(v)).Select(p => (p.Epoch, p.Value!.Value))];

    /// <summary>True when <paramref name="values"/> are all positive and span a factor of 10 or more: losses often fall by
    /// orders of magnitude, and on a linear axis all but the first epochs would be one flat line.</summary>
    internal static bool IsWide(IReadOnlyCollection<double> values) =>
        values.Count > 0 && values.Min() > 0 && values.Max() / values.Min() >= 10;

    /// <summary>Ticks for a log axis from <paramref name="min"/> to <paramref name="max"/> (both positive): 1, 2, 5 × 10^k,
    /// only 10^k beyond four decades, each with its label.</summary>
    internal static (double Value, string Label)[] LogTicks(double min, double max)
    {
        int low = (int)Math.Floor(Math.Log10(min)), high = (int)Math.Ceiling(Math.Log10(max));
        double[] steps = high - low <= 4 ? [1, 2, 5] : [1];
        var ticks = new List<(double, string)>();
        for (int k = low; k <= high; k++)
        {
            foreach (double step in steps)
            {
                double v = step * Math.Pow(10, k);
                // A little beyond the data: the axis has margins, and ticks outside the view are not drawn.
                if (v >= min / 1.5 && v <= max * 1.5) ticks.Add((v, LogLabel(v)));
            }
        }
        return [.. ticks];
    }

    // 0.002 rather than 2E-03 in the usual range of losses; exponents only where plain digits get long.
    private static string LogLabel(double v) =>
        v is >= 1e-4 and < 1e5 ? v.ToString("0.####", CultureInfo.InvariantCulture) : v.ToString("0E+0", CultureInfo.InvariantCulture);
}
