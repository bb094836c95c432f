using ScottPlot;

namespace MlNetDeep.Examples.Co2Forecast;

/// <summary>Writes the actual series and the forecasts as one PNG line chart (ScottPlot).</summary>
public static class ForecastPlot
{
    /// <summary>One line: its legend text, x (decimal years) and y values.</summary>
    public sealed record Line(string Name, double[] Xs, double[] Ys, Color Color, bool Dashed = false);

    /// <summary>Plots <paramref name="lines"/> with a dotted vertical marker at <paramref name="testStart"/> (decimal year).</summary>
    public static void Save(string path, string title, double testStart, IEnumerable<Line> lines)
    {
        var plot = new Plot();
        foreach (var line in lines)
        {
            var scatter = plot.Add.Scatter(line.Xs, line.Ys, line.Color);
            scatter.LegendText = line.Name;
            scatter.MarkerSize = 0;
            scatter.LineWidth = line.Dashed ? 1.5f : 2f;
            if (line.Dashed) scatter.LinePattern = LinePattern.Dashed;
        }
        var split = plot.Add.VerticalLine(testStart, 1, Colors.Gray, LinePattern.Dotted);
        split.LegendText = "start of the test period";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = x => x.ToString("0", System.Globalization.CultureInfo.InvariantCulture) };
        plot.Title(title);
        plot.XLabel("year");
        plot.YLabel("CO₂ (ppm)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 560);
    }
}
