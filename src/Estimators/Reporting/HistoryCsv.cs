using System.Globalization;
using System.Text;

namespace MlNetDeep;

/// <summary>
/// The epoch history as CSV: a header, then one row per epoch, invariant culture, numbers in round-trip form, an empty cell
/// where an epoch has no value (no validation set), "\n" line ends (the same bytes on every OS).
/// </summary>
internal static class HistoryCsv
{
    /// <summary>One CSV column: its header and how an epoch's cell is written.</summary>
    private sealed record Column(string Header, Func<EpochReport, string> Cell);

    /// <summary>The columns, in order. A new per-epoch value is one more line here.</summary>
    private static Column[] Columns(IReadOnlyList<EpochReport> history) =>
    [
        new("epoch", r => r.Epoch.ToString(CultureInfo.InvariantCulture)),
        new("learning_rate", Number(r => r.LearningRate)),
        new("training_loss", Number(r => r.TrainingLoss)),
        new("validation_loss", Number(r => r.ValidationLoss)),
        new(MetricHeader(history), Number(r => r.ValidationMetric)),
        new("elapsed_seconds", Number(r => r.Elapsed.TotalSeconds)),
        new("is_best", r => r.IsBest ? "true" : "false"),
    ];

    /// <summary>The CSV text of <paramref name="history"/>.</summary>
    public static string Format(IReadOnlyList<EpochReport> history)
    {
        var columns = Columns(history);
        var text = new StringBuilder();
        text.AppendJoin(',', columns.Select(c => c.Header)).Append('\n');
        foreach (var report in history)
            text.AppendJoin(',', columns.Select(c => c.Cell(report))).Append('\n');
        return text.ToString();
    }

    /// <summary><c>validation_</c> plus the metric's name in snake_case (<c>validation_accuracy</c>, <c>validation_rmse</c>,
    /// <c>validation_token_accuracy</c>); <c>validation_metric</c> when no epoch names one.</summary>
    public static string MetricHeader(IReadOnlyList<EpochReport> history)
    {
        string? name = history.Select(r => r.ValidationMetricName).FirstOrDefault(n => !string.IsNullOrWhiteSpace(n));
        string snake = name is null ? "" : SnakeCase(name);
        return "validation_" + (snake.Length > 0 ? snake : "metric");
    }

    /// <summary>Lower case, each run of other characters than ASCII letters and digits one underscore, none at the ends:
    /// a header that needs no quoting and is a valid identifier in pandas, R and SQL.</summary>
    internal static string SnakeCase(string name)
    {
        var snake = new StringBuilder(name.Length);
        foreach (char c in name.Trim())
        {
            if (char.IsAsciiLetterOrDigit(c)) snake.Append(char.ToLowerInvariant(c));
            else if (snake.Length > 0 && snake[^1] != '_') snake.Append('_');
        }
        return snake.ToString().TrimEnd('_');
    }

    // "R": the shortest text that parses back to the same double.
    private static Func<EpochReport, string> Number(Func<EpochReport, double?> value) =>
        r => value(r) is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
