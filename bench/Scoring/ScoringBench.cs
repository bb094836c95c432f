using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Bench.Scoring;

/// <summary>
/// `scoring`: rows per CPU-second of a saved model scored four ways in one process, alternating within each round —
/// ML.NET's Transform read through a cursor, a PredictionEngine row by row, raw ONNX Runtime at batch B (input
/// preparation included, <see cref="RawOnnxScorer"/>) and <see cref="BatchScorer"/> at batch B — for each model kind of
/// <see cref="ScoringModels"/>. CPU time (the process's user + system) rather than wall time, so that a busy machine
/// changes the figures less; the table gives medians over the rounds and the ratios the targets are stated in.
/// </summary>
internal static class ScoringBench
{
    public static int Run(List<string> args)
    {
        int rows = Option(args, "--rows", 20_000), batch = Option(args, "--batch", 64), rounds = Option(args, "--rounds", 3);
        Console.WriteLine($"scoring: {rows} rows per pass, batch {batch}, {rounds} rounds, rows per CPU-second (median)");
        Console.WriteLine();
        Console.WriteLine("| model | Transform | PredictionEngine | raw ORT | BatchScorer | ours / Transform | ours / raw ORT |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var model in ScoringModels.All(rows))
        {
            using var raw = new RawOnnxScorer(model);
            using var scorer = new BatchScorer(model.Ml, model.Model, new BatchScoringOptions { BatchSize = batch });
            var methods = new (string Name, Func<double> Pass)[]
            {
                ("Transform", () => ReadScores(model.Model.Transform(model.Rows))),
                ("PredictionEngine", model.PredictEach),
                ("raw ORT", () => raw.Score(model.Rows, batch)),
                ("BatchScorer", () => ReadScores(scorer.Transform(model.Rows))),
            };
            foreach (var (_, pass) in methods) RowsPerCpuSecond(pass, rows); // warm-up: JIT up to its optimised tier, sessions, pools
            var rates = methods.Select(_ => new List<double>()).ToArray();
            for (int r = 0; r < rounds; r++)
                for (int m = 0; m < methods.Length; m++) rates[m].Add(RowsPerCpuSecond(methods[m].Pass, rows));
            double[] median = rates.Select(Median).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {model.Name} | {median[0]:N0} | {median[1]:N0} | {median[2]:N0} | {median[3]:N0} | {median[3] / median[0]:F1}× | {median[3] / median[2]:F2}× |"));
        }
        return 0;
    }

    /// <summary>Reads the Score column of every row (vector or scalar); returns a checksum.</summary>
    private static double ReadScores(IDataView view)
    {
        var column = view.Schema["Score"];
        using var cursor = view.GetRowCursor([column]);
        double sum = 0;
        if (column.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> scores = default;
            while (cursor.MoveNext())
            {
                getter(ref scores);
                sum += scores.GetValues()[0];
            }
        }
        else
        {
            var getter = cursor.GetGetter<float>(column);
            float score = 0;
            while (cursor.MoveNext())
            {
                getter(ref score);
                sum += score;
            }
        }
        return sum;
    }

    /// <summary>
    /// Repeats <paramref name="pass"/> until it has used <see cref="MinimumCpuSeconds"/> of CPU time: a single pass of a
    /// small model lasts a few tens of milliseconds, in which a background JIT compilation or a GC counted against it
    /// moved one rate by 2× from run to run.
    /// </summary>
    private static double RowsPerCpuSecond(Func<double> pass, int rows)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        double seconds;
        int passes = 0;
        do
        {
            pass();
            passes++;
            process.Refresh();
            seconds = (process.TotalProcessorTime - before).TotalSeconds;
        }
        while (seconds < MinimumCpuSeconds);
        return (double)rows * passes / seconds;
    }

    private const double MinimumCpuSeconds = 0.5;

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int Option(List<string> args, string name, int fallback)
    {
        int i = args.IndexOf(name);
        if (i < 0) return fallback;
        if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
            throw new ArgumentException($"{name} needs a positive whole number after it, e.g. {name} 64");
        args.RemoveRange(i, 2);
        return value;
    }
}
