using System.Globalization;

namespace MlNetDeep.Cli.Tests.Support;

/// <summary>The tool's result: exit code, stdout and stderr.</summary>
public sealed record ToolRun(int ExitCode, string Out, string Err);

/// <summary>Runs mlnetdeep in-process, and writes and reads the CSV files the tests use.</summary>
public static class Tool
{
    /// <summary>Runs a command with an empty environment (no sharding variables) unless <paramref name="environment"/> is given.</summary>
    public static ToolRun Run(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr, name => environment?.GetValueOrDefault(name));
        return new ToolRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A CSV of blob rows with columns Id, Features_0..3, Label (numbered vector columns).</summary>
    public static string WriteBlobsCsv(string path, IEnumerable<BlobRow> rows)
    {
        var lines = new List<string> { "Id,Features_0,Features_1,Features_2,Features_3,Label" };
        lines.AddRange(rows.Select(r => string.Join(",", [r.Id, .. r.Features.Select(f => f.ToString("R", CultureInfo.InvariantCulture)), r.Label])));
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>The records of a CSV the tool wrote (no quoted fields expected in the tests' values).</summary>
    public static List<string[]> ReadCsv(string path) => [.. File.ReadAllLines(path).Select(l => l.Split(','))];
}
