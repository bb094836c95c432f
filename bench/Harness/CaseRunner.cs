using System.Diagnostics;
using MlNetDeep.Bench.Cases;

namespace MlNetDeep.Bench.Harness;

/// <summary>Runs named cases with the protocol and prints one result line per workload.</summary>
internal static class CaseRunner
{
    /// <summary>Returns the process exit code: 0, 2 for an unknown case, 3 for a parameter-count mismatch.</summary>
    public static int Run(IReadOnlyList<string> names, double targetSeconds)
    {
        var cases = names.SelectMany(n => n == "all" ? CaseRegistry.All : [n]).ToList();
        foreach (var c in cases)
            if (!CaseRegistry.IsKnown(c)) { Console.Error.WriteLine($"unknown case '{c}'"); return 2; }

        long initBytes;
        using (var p0 = Process.GetCurrentProcess()) initBytes = p0.WorkingSet64;
        Console.WriteLine($"# MlNetDeep {typeof(CaseRunner).Assembly.GetName().Version} | threads={Environment.ProcessorCount} | .NET {Environment.Version} | {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

        foreach (var c in cases)
        {
            var factory = CaseRegistry.Get(c);
            if (factory is null) { Console.WriteLine(ResultLines.Pending(c)); continue; }
            foreach (var bench in factory())
                if (!RunOne(bench, targetSeconds)) return 3;
        }
        using (var p = Process.GetCurrentProcess())
            Console.WriteLine(ResultLines.Peak(p.PeakWorkingSet64, initBytes, cases));
        return 0;
    }

    private static bool RunOne(IBenchCase bench, double targetSeconds)
    {
        if (bench.ParameterCount != bench.ExpectedParameterCount)
        {
            Console.Error.WriteLine($"PARAMETER COUNT MISMATCH in {bench.Name}: ours {bench.ParameterCount:N0}, anchor {bench.ExpectedParameterCount:N0}");
            Console.WriteLine($"{bench.Name,-24} FAILED parameter count {bench.ParameterCount} != anchor {bench.ExpectedParameterCount}");
            return false;
        }
        var step = bench.CreateStep();
        switch (bench)
        {
            case IKernelCase kernel:
                Console.WriteLine(ResultLines.Gemm(kernel.Name, kernel.Shape, kernel.Flop, StepTimer.Time(step, kernel.Warmup, targetSeconds)));
                break;
            case ITrainingCase training:
                step();
                float first = training.LastLoss;
                var r = StepTimer.Time(step, training.Warmup, targetSeconds);
                step();
                Console.WriteLine(ResultLines.Model(training.Name, training.Batch, r,
                    $"params={training.ParameterCount} loss_first={first:F4} loss_last={training.LastLoss:F4}"));
                break;
            default:
                Console.WriteLine(ResultLines.Model(bench.Name, bench.Batch, StepTimer.Time(step, bench.Warmup, targetSeconds), $"params={bench.ParameterCount}"));
                break;
        }
        return true;
    }
}
