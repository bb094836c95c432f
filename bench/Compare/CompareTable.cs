using System.Globalization;
using System.Text;

namespace MlNetDeep.Bench.Compare;

/// <summary>Collects both sides' results over all rounds and renders the markdown comparison table.</summary>
internal sealed class CompareTable
{
    private sealed class Side
    {
        public readonly List<ParsedResult> Results = [];
        public readonly List<double> PeaksMiB = [];
        public bool Pending;
        public string? Failure;
    }

    private readonly List<string> _order = [];
    private readonly Dictionary<(string Name, bool Ours), Side> _sides = [];

    private Side Get(string name, bool ours)
    {
        if (!_order.Contains(name)) _order.Add(name);
        if (!_sides.TryGetValue((name, ours), out var s)) _sides[(name, ours)] = s = new Side();
        return s;
    }

    public void Add(bool ours, ParsedRun run)
    {
        foreach (var r in run.Results)
        {
            var s = Get(r.Name, ours);
            s.Results.Add(r);
            if (run.PeakMiB is double p) s.PeaksMiB.Add(p);
        }
        foreach (var name in run.Pending) Get(name, ours).Pending = true;
    }

    public void AddFailure(string caseName, bool ours, string message) => Get(caseName, ours).Failure = message;

    public string Render()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| case | anchor median / min | ours median / min | ratio ours/anchor, min | ratio ours/anchor, best median | peak WS MiB anchor / ours |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var name in _order)
        {
            _sides.TryGetValue((name, false), out var a);
            _sides.TryGetValue((name, true), out var o);
            bool gemm = (a?.Results.FirstOrDefault() ?? o?.Results.FirstOrDefault())?.Flop is not null;
            var ratioMin = Ratio(a, o, gemm, best: true);
            var ratioMed = Ratio(a, o, gemm, best: false);
            string suffix = gemm ? " (GFLOP/s)" : "";
            sb.AppendLine($"| {name} | {Cell(a, gemm)} | {Cell(o, gemm)} | {ratioMin}{suffix} | {ratioMed}{suffix} | {Peak(a)} / {Peak(o)} |");
        }
        sb.AppendLine();
        sb.AppendLine("Step-time ratios: < 1 means ours is faster. GEMM rows show GFLOP/s and throughput ratios: > 1 means ours is faster.");
        return sb.ToString();
    }

    private static string F(double v) => v.ToString(v >= 100 ? "F0" : v >= 10 ? "F1" : v >= 1 ? "F2" : "F3", CultureInfo.InvariantCulture);

    private static double BestMedian(Side s) => s.Results.Min(r => r.MedianMs);
    private static double BestMin(Side s) => s.Results.Min(r => r.MinMs);

    private static string Cell(Side? s, bool gemm)
    {
        if (s is null) return "missing";
        if (s.Failure is not null) return "failed: " + s.Failure;
        if (s.Pending || s.Results.Count == 0) return "n/a (not implemented)";
        var flop = s.Results[0].Flop ?? 0;
        return gemm
            ? $"{F(flop / (BestMedian(s) * 1e6))} / {F(flop / (BestMin(s) * 1e6))} GFLOP/s ({F(BestMedian(s))} / {F(BestMin(s))} ms)"
            : $"{F(BestMedian(s))} / {F(BestMin(s))} ms";
    }

    private static string Ratio(Side? a, Side? o, bool gemm, bool best)
    {
        if (a is null || o is null || a.Results.Count == 0 || o.Results.Count == 0) return "–";
        double ta = best ? BestMin(a) : BestMedian(a), to = best ? BestMin(o) : BestMedian(o);
        double ratio = gemm ? ta / to : to / ta;
        return ratio.ToString(ratio >= 0.1 ? "F2" : "F4", CultureInfo.InvariantCulture);
    }

    private static string Peak(Side? s) => s is null || s.PeaksMiB.Count == 0 ? "–" : F(s.PeaksMiB.Max());
}
