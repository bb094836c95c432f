using System.Globalization;

namespace MlNetDeep.Trainers;

/// <summary>The checkpoint files of a folder: epoch-NNNN.mlnetdeep-checkpoint, one per saved epoch.</summary>
internal static class CheckpointFolder
{
    private const string Prefix = "epoch-";

    /// <summary>The file of epoch <paramref name="epoch"/>.</summary>
    public static string PathOf(string folder, int epoch) =>
        Path.Combine(folder, Prefix + epoch.ToString("D4", CultureInfo.InvariantCulture) + CheckpointFile.Extension);

    /// <summary>The folder's checkpoints sorted by epoch (none when the folder does not exist); temporary files are ignored.</summary>
    public static IReadOnlyList<(int Epoch, string Path)> Find(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        var found = new List<(int, string)>();
        foreach (string path in Directory.EnumerateFiles(folder, Prefix + "*" + CheckpointFile.Extension))
        {
            string name = Path.GetFileName(path);
            string digits = name[Prefix.Length..^CheckpointFile.Extension.Length];
            if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) && epoch > 0) found.Add((epoch, path));
        }
        return [.. found.OrderBy(f => f.Item1)];
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> checkpoints and that of epoch <paramref name="best"/>.</summary>
    public static void Prune(string folder, int keep, int best)
    {
        var found = Find(folder);
        foreach (var (epoch, path) in found.Take(Math.Max(found.Count - keep, 0)))
            if (epoch != best) File.Delete(path);
    }
}
