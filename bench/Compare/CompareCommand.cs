using System.Globalization;

namespace MlNetDeep.Bench.Compare;

/// <summary>
/// Builds the anchor in a writable copy, then for each round and case runs the anchor process and ours alternately
/// (each case in its own process, anchor first) and prints the comparison table.
/// </summary>
internal static class CompareCommand
{
    public static int Run(CompareArgs options)
    {
        string anchorDll;
        try
        {
            var source = AnchorWorkspace.LocateSource(options.AnchorDir);
            var work = options.AnchorWork ?? Path.Combine(Path.GetTempPath(), "mlnetdeep-anchor-bench");
            anchorDll = AnchorWorkspace.CopyAndBuild(source, work);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"[compare] anchor unavailable: {e.Message}");
            return 4;
        }
        string oursDll = typeof(CompareCommand).Assembly.Location;
        string dotnet = ChildProcess.DotnetHost();
        string seconds = options.Seconds.ToString(CultureInfo.InvariantCulture);
        var table = new CompareTable();
        var log = new List<string>();

        for (int round = 1; round <= options.Rounds; round++)
        {
            foreach (var c in options.Cases)
            {
                foreach (bool ours in new[] { false, true })
                {
                    string dll = ours ? oursDll : anchorDll;
                    string label = ours ? "ours" : "anchor";
                    Console.Error.WriteLine($"[compare] round {round}/{options.Rounds} {c} {label}");
                    var r = ChildProcess.Run(dotnet, [dll, c, "--seconds", seconds], Path.GetDirectoryName(dll)!);
                    foreach (var line in r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                        if (!line.StartsWith('#')) log.Add($"r{round} {label,-6} {line.TrimEnd()}");
                    if (r.ExitCode != 0)
                    {
                        Console.Error.WriteLine(r.StdErr);
                        table.AddFailure(c, ours, $"exit {r.ExitCode}");
                    }
                    table.Add(ours, ResultParser.Parse(r.StdOut));
                }
            }
        }

        Console.WriteLine($"# compare {string.Join(" ", options.Cases)} --seconds {seconds} --rounds {options.Rounds} | {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC | {Environment.ProcessorCount} cpus");
        Console.WriteLine("## raw lines");
        foreach (var l in log) Console.WriteLine(l);
        Console.WriteLine();
        Console.WriteLine(table.Render());
        return 0;
    }
}
