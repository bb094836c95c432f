using System.Diagnostics;
using System.Text.Json;

namespace MlNetDeep.Tests.Shared;

/// <summary>
/// Runs the Node.js example examples/G2P/node/decode.mjs from a test: finds node and npm, installs the example's npm
/// dependencies once per process, and runs the script with a timeout. Tests that need it use
/// <see cref="NodeFactAttribute"/>, which skips them (instead of failing) on a machine without Node.js.
/// </summary>
internal static class NodeScript
{
    /// <summary>Why the Node script tests are skipped on a machine without node or npm on PATH.</summary>
    public const string MissingMessage = "npm not found: the Node script test needs Node.js and npm";

    // A fresh clone downloads onnxruntime-node (tens of MB); a slow network must not fail the test too early.
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private static readonly Lazy<string?> Node = new(() => FindOnPath("node"));
    private static readonly Lazy<string?> Npm = new(() => FindOnPath("npm"));
    private static readonly object InstallLock = new();
    private static bool installed;

    /// <summary>Null when node and npm are on PATH; otherwise the reason the Node script cannot run.</summary>
    public static string? Unavailable => Node.Value is null || Npm.Value is null ? MissingMessage : null;

    /// <summary>The repository root: the nearest folder above the test assembly that holds MlNetDeep.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The folder of the Node example (package.json, decode.mjs, node_modules).</summary>
    public static string ScriptFolder => Path.Combine(RepositoryRoot, "examples", "G2P", "node");

    /// <summary>
    /// Runs <c>node decode.mjs <paramref name="model"/> --json texts…</c> and returns its stdout lines (one JSON
    /// object per text); throws, quoting stderr, when the script fails.
    /// </summary>
    /// <param name="model">Path of the ONNX file.</param>
    /// <param name="texts">Texts to decode (passed as arguments after "--", so any text is allowed).</param>
    public static IReadOnlyList<string> DecodeJson(string model, IEnumerable<string> texts)
    {
        var result = Run([model, "--json", "--", .. texts]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"node decode.mjs exited with code {result.ExitCode}:{Environment.NewLine}{result.Stderr}");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
    }

    /// <summary>Runs <c>node decode.mjs arguments…</c> in the example folder (installing its dependencies first) and returns what it did.</summary>
    /// <param name="arguments">The script's arguments.</param>
    public static NodeRunResult Run(IEnumerable<string> arguments)
    {
        EnsureInstalled();
        return Execute(Node.Value!, ["decode.mjs", .. arguments], RunTimeout);
    }

    /// <summary>
    /// Installs the example's npm dependencies into its node_modules unless every one is already there at the version
    /// package.json pins; once per process, serialised (within the process, and across test processes by a lock file) so
    /// that npm never runs twice at once in the same folder.
    /// </summary>
    public static void EnsureInstalled()
    {
        if (Unavailable is string reason) throw new InvalidOperationException(reason);
        lock (InstallLock)
        {
            if (installed) return;
            // Test projects run in parallel processes: a lock file beside node_modules serialises their installs too.
            using var fileLock = AcquireFileLock(Path.Combine(ScriptFolder, ".install.lock"), InstallTimeout);
            if (!DependenciesInstalled())
            {
                var result = Execute(Npm.Value!, ["install", "--no-audit", "--no-fund"], InstallTimeout);
                if (result.ExitCode != 0 || !DependenciesInstalled())
                    throw new InvalidOperationException($"npm install in {ScriptFolder} failed (exit code {result.ExitCode}):{Environment.NewLine}{result.Stderr}");
            }
            installed = true;
        }
    }

    /// <summary>Opens <paramref name="path"/> exclusively, retrying while another process holds it; disposing releases it (and deletes the file).</summary>
    private static FileStream AcquireFileLock(string path, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>Whether each dependency of package.json is in node_modules at exactly the pinned version.</summary>
    private static bool DependenciesInstalled()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(ScriptFolder, "package.json")));
        if (!package.RootElement.TryGetProperty("dependencies", out var dependencies)) return true;
        foreach (var dependency in dependencies.EnumerateObject())
        {
            string installedPackage = Path.Combine(ScriptFolder, "node_modules", dependency.Name, "package.json");
            if (!File.Exists(installedPackage)) return false;
            using var json = JsonDocument.Parse(File.ReadAllText(installedPackage));
            if (json.RootElement.GetProperty("version").GetString() != dependency.Value.GetString()) return false;
        }
        return true;
    }

    private static NodeRunResult Execute(string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo
        {
            WorkingDirectory = ScriptFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // closed at once: the script must not wait for a terminal
            UseShellExecute = false,
        };
        // npm is a .cmd script on Windows, which only cmd.exe runs.
        if (OperatingSystem.IsWindows() && program.EndsWith(".cmd", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = Environment.GetEnvironmentVariable("ComSpec") ?? "cmd.exe";
            start.ArgumentList.Add("/c");
            start.ArgumentList.Add(program);
        }
        else start.FileName = program;
        foreach (string argument in arguments) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.StandardInput.Close();
        // Both streams are read concurrently so a full pipe buffer cannot block the child.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s.");
        }
        process.WaitForExit(); // lets the output reads complete
        return new NodeRunResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string? FindOnPath(string name)
    {
        string[] names = OperatingSystem.IsWindows() ? [name + ".exe", name + ".cmd"] : [name];
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (string candidate in names)
            {
                string path = Path.Combine(folder, candidate);
                if (File.Exists(path)) return path;
            }
        return null;
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "MlNetDeep.sln"))) return folder.FullName;
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds MlNetDeep.sln; the Node script tests run from a build inside the repository.");
    }
}

/// <summary>What a run of the Node script did.</summary>
/// <param name="ExitCode">The process exit code (0 on success).</param>
/// <param name="Stdout">Everything written to standard output.</param>
/// <param name="Stderr">Everything written to standard error.</param>
internal sealed record NodeRunResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// A fact that needs node and npm: skipped with <see cref="NodeScript.MissingMessage"/> when they are not on PATH
/// (xunit 2 decides skips when it discovers tests, hence an attribute rather than a check inside the test).
/// </summary>
internal sealed class NodeFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when node or npm is missing.</summary>
    public NodeFactAttribute()
    {
        if (NodeScript.Unavailable is string reason) Skip = reason;
    }
}

/// <summary>A theory that needs node and npm: skipped with <see cref="NodeScript.MissingMessage"/> when they are not on PATH.</summary>
internal sealed class NodeTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when node or npm is missing.</summary>
    public NodeTheoryAttribute()
    {
        if (NodeScript.Unavailable is string reason) Skip = reason;
    }
}
