namespace MlNetDeep.Bench.Compare;

/// <summary>
/// Finds the TorchSharp anchor (read-only, <c>../shared/anchors/torchsharp-bench</c> from the repo root), copies its
/// sources into a writable folder and builds it there in Release.
/// </summary>
internal static class AnchorWorkspace
{
    public const string AnchorAssembly = "torchsharp-bench.dll";

    public static string LocateSource(string? overrideDir)
    {
        if (!string.IsNullOrEmpty(overrideDir))
            return Directory.Exists(overrideDir) ? Path.GetFullPath(overrideDir) : throw new DirectoryNotFoundException($"Anchor folder {overrideDir} does not exist.");
        var root = FindRepoRoot(AppContext.BaseDirectory) ?? FindRepoRoot(Directory.GetCurrentDirectory())
            ?? throw new DirectoryNotFoundException($"Repository root (MlNetDeep.sln) not found; pass --anchor DIR or set {CompareArgs.AnchorDirVariable}.");
        var dir = Path.GetFullPath(Path.Combine(root, "..", "shared", "anchors", "torchsharp-bench"));
        return Directory.Exists(dir) ? dir : throw new DirectoryNotFoundException($"Anchor not found at {dir}; pass --anchor DIR or set {CompareArgs.AnchorDirVariable}.");
    }

    private static string? FindRepoRoot(string start)
    {
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MlNetDeep.sln"))) return d.FullName;
        return null;
    }

    /// <summary>Copies the sources (not bin/ or obj/) into <paramref name="workDir"/>, builds, and returns the built assembly.</summary>
    public static string CopyAndBuild(string sourceDir, string workDir)
    {
        Directory.CreateDirectory(workDir);
        CopySources(sourceDir, workDir);
        Console.Error.WriteLine($"[compare] building anchor in {workDir} (first restore downloads ~600 MB of libtorch)");
        var build = ChildProcess.Run(ChildProcess.DotnetHost(), ["build", "-c", "Release", "-nologo", "-v", "q"], workDir, echo: true);
        if (build.ExitCode != 0) throw new InvalidOperationException($"Anchor build failed (exit {build.ExitCode}).");
        var dll = Directory.GetFiles(Path.Combine(workDir, "bin", "Release"), AnchorAssembly, SearchOption.AllDirectories).FirstOrDefault()
            ?? throw new FileNotFoundException($"{AnchorAssembly} not found under {workDir}/bin/Release after the build.");
        return dll;
    }

    private static void CopySources(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(from, file);
            var top = rel.Split(Path.DirectorySeparatorChar)[0];
            if (top is "bin" or "obj") continue;
            var dest = Path.Combine(to, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            if (File.Exists(dest)) File.Delete(dest); // the source is read-only and so was the previous copy
            File.Copy(file, dest);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(dest, File.GetUnixFileMode(dest) | UnixFileMode.UserWrite | UnixFileMode.UserRead);
        }
    }
}
