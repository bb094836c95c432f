using System.Globalization;
using System.Text.RegularExpressions;
using MlNetDeep.Bench.Harness;

namespace MlNetDeep.Bench.Compare;

/// <summary>One parsed result line. <see cref="Flop"/> is set for GEMM lines (throughput is reported), else null.</summary>
internal sealed record ParsedResult(string Name, double MedianMs, double MinMs, int Steps, double? Flop);

/// <summary>Everything one benchmark process printed: results, names reported as not implemented, peak working set.</summary>
internal sealed record ParsedRun(IReadOnlyList<ParsedResult> Results, IReadOnlyList<string> Pending, double? PeakMiB);

/// <summary>Parses the shared line format of <see cref="ResultLines"/> (ours) and the anchor's identical one.</summary>
internal static partial class ResultParser
{
    private static readonly Regex KeyValue = KeyValueRegex();

    [GeneratedRegex(@"([A-Za-z_]+)=\s*(\S+)")]
    private static partial Regex KeyValueRegex();

    public static ParsedRun Parse(string output)
    {
        var results = new List<ParsedResult>();
        var pending = new List<string>();
        double? peak = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith(ResultLines.PeakPrefix, StringComparison.Ordinal))
            {
                var value = line[ResultLines.PeakPrefix.Length..].Split(' ')[0];
                peak = double.Parse(value, CultureInfo.InvariantCulture);
                continue;
            }
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (line.Contains(ResultLines.NotImplemented, StringComparison.Ordinal)) { pending.Add(tokens[0]); continue; }
            // values are right-aligned ("median_ms=   1.234"), so a key may be followed by spaces
            var kv = KeyValue.Matches(line).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            if (!kv.TryGetValue("median_ms", out var med) || !kv.TryGetValue("min_ms", out var min)) continue;
            int steps = int.Parse(kv.GetValueOrDefault("steps") ?? kv.GetValueOrDefault("samples") ?? "0", CultureInfo.InvariantCulture);
            double? flop = kv.ContainsKey("GFLOPs_median") ? ShapeFlop(tokens[1]) : null;
            results.Add(new ParsedResult(tokens[0], Num(med), Num(min), steps, flop));
        }
        return new ParsedRun(results, pending, peak);
    }

    private static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>2·M·K·N from an "MxKxN" token.</summary>
    private static double ShapeFlop(string shape)
    {
        var d = shape.Split('x').Select(Num).ToArray();
        return d.Length == 3 ? 2.0 * d[0] * d[1] * d[2] : throw new FormatException($"Bad GEMM shape '{shape}'.");
    }
}
