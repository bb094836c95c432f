using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>
/// Writes the files of a <see cref="TrainingReport"/>: checks the destination first, then writes a temporary file beside it
/// and renames it, so a reader (or a crash mid-write) never sees half a file and an earlier complete file stays until
/// the new one is whole.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Throws when <paramref name="path"/> is null or blank, or names a file in a folder that does not exist.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="parameterName">The caller's parameter name, for the exception.</param>
    public static void CheckDestination(string? path, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path, parameterName);
        // Checked up front: the write itself would name only the temporary file ("Could not find a part of the path '….tmp'").
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot write '{path}': the folder '{folder}' does not exist. Create it first (Directory.CreateDirectory).");
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> through a temporary file and a rename (<see cref="AtomicWrite"/>).</summary>
    /// <param name="path">Destination file, already checked by <see cref="CheckDestination"/>.</param>
    /// <param name="content">The whole file.</param>
    public static void Write(string path, byte[] content) => AtomicWrite.File(path, stream => stream.Write(content));
}
