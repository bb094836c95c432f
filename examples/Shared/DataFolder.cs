using System.Reflection;

namespace MlNetDeep.Examples;

/// <summary>
/// An example's folders from its command line: <c>--data FOLDER</c> (and <c>--output FOLDER</c>) with a documented
/// default, examples/&lt;Example&gt;/data under the repository root: the nearest folder at or above the current folder that
/// holds MlNetDeep.sln (so <c>dotnet run --project examples/&lt;Example&gt;</c> works from anywhere in the clone). Outside a
/// clone the default is ./data in the current folder. Shared by every example (linked into each project).
/// </summary>
internal static class DataFolder
{
    /// <summary>The example's folder name: its project name, which the assembly name MlNetDeep.&lt;Project&gt; carries.</summary>
    private static string Example => Assembly.GetEntryAssembly()!.GetName().Name!.Replace("MlNetDeep.", "", StringComparison.Ordinal);

    /// <summary>Removes "<paramref name="name"/> VALUE" from <paramref name="args"/>; returns VALUE, or null when the option is absent.</summary>
    /// <exception cref="ArgumentException">The option is last or followed by another option.</exception>
    public static string? TakeOption(List<string> args, string name)
    {
        int i = args.IndexOf(name);
        if (i < 0) return null;
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"{name} needs a folder after it, e.g. {name} examples/{Example}/{name[2..]}");
        string value = args[i + 1];
        args.RemoveRange(i, 2);
        return Path.GetFullPath(value);
    }

    /// <summary>examples/&lt;Example&gt;/<paramref name="name"/> under the repository root, or ./<paramref name="name"/> outside a clone.</summary>
    public static string Default(string name)
    {
        for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "MlNetDeep.sln"))) return Path.Combine(folder.FullName, "examples", Example, name);
        return Path.Combine(Directory.GetCurrentDirectory(), name);
    }
}
