namespace MlNetDeep.Cli;

/// <summary>
/// An output file written under a temporary name (<c>&lt;path&gt;.tmp</c>, next to it so the rename stays on one file
/// system) and renamed to <c>path</c> by <see cref="Commit"/>. A run that fails or is killed never leaves a partial file
/// under the final name; disposing without committing deletes the temporary file, and a rerun overwrites a leftover one.
/// </summary>
internal sealed class AtomicFile : IDisposable
{
    private readonly string _path;
    private bool _committed;

    private AtomicFile(string path, string temporary, FileStream stream)
    {
        _path = path;
        TemporaryPath = temporary;
        Stream = stream;
    }

    /// <summary>The temporary file's path.</summary>
    public string TemporaryPath { get; }

    /// <summary>The stream to write.</summary>
    public FileStream Stream { get; }

    /// <summary>Opens <c>path.tmp</c> for writing; a <see cref="CliException"/> names the path when its folder cannot be written.</summary>
    public static AtomicFile Create(string path)
    {
        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp";
        try
        {
            return new AtomicFile(full, temporary, new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot write output '{path}': its folder '{Path.GetDirectoryName(full)}' is not a writable folder ({e.Message}).", e);
        }
    }

    /// <summary>Flushes, closes and renames the temporary file to the final path (replacing an earlier output).</summary>
    public void Commit()
    {
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        File.Move(TemporaryPath, _path, overwrite: true);
        _committed = true;
    }

    /// <summary>Deletes the temporary file unless committed.</summary>
    public void Dispose()
    {
        if (_committed) return;
        Stream.Dispose();
        try { File.Delete(TemporaryPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
