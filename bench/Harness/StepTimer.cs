using System.Diagnostics;

namespace MlNetDeep.Bench.Harness;

/// <summary>Median and fastest step time of one timed run, and the number of timed steps.</summary>
internal readonly record struct Timing(double MedianMs, double MinMs, int Steps);

/// <summary>
/// The anchor's timing protocol: <c>warmup</c> untimed steps, 3 estimation steps, then
/// n = clamp(ceil(S / fastest estimate), 20, 3000) individually timed steps after a full GC.
/// </summary>
internal static class StepTimer
{
    public const int MinSteps = 20, MaxSteps = 3000;

    public static Timing Time(Action step, int warmup, double targetSeconds)
    {
        for (int i = 0; i < warmup; i++) step();
        double estimate = double.MaxValue; // fastest of 3: robust to noisy-neighbour phases
        for (int i = 0; i < 3; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            step();
            estimate = Math.Min(estimate, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        int n = (int)Math.Clamp(Math.Ceiling(targetSeconds / Math.Max(estimate, 1e-9)), MinSteps, MaxSteps);
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        var t = new double[n];
        for (int i = 0; i < n; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            step();
            t[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        if (Environment.GetEnvironmentVariable("BENCH_TRACE") == "1")
            Console.Error.WriteLine("trace: " + string.Join(" ", t.Select(v => v.ToString("F1"))));
        Array.Sort(t);
        double median = n % 2 == 1 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
        return new Timing(median, t[0], n);
    }
}
