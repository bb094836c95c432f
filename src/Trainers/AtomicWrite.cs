namespace MlNetDeep.Trainers;

/// <summary>
/// Writes a whole file through a temporary file beside it (same folder, so the rename stays on one file system) and a
/// rename: a reader, or a crash mid-write, never sees half a file, and the earlier complete file stays until the new one
/// is whole. Used for checkpoints and for the training report's files.
/// </summary>
internal static class AtomicWrite
{
    /// <summary>
    /// Creates <c>.&lt;name&gt;.&lt;process id&gt;.tmp</c> beside <paramref name="path"/> (hidden, and distinct per process so two
    /// writers never share one), lets <paramref name="write"/> fill it, flushes it to disk and renames it to
    /// <paramref name="path"/>. When anything fails the temporary file is deleted and the exception propagates.
    /// </summary>
    /// <param name="path">Destination file; its folder must exist.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    public static void File(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            System.IO.File.Move(temp, full, overwrite: true);
        }
        catch
        {
            // A failed write (disk full, destination locked) must not leave the temporary file behind.
            System.IO.File.Delete(temp);
            throw;
        }
    }
}
