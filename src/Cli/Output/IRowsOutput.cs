namespace MlNetDeep.Cli.Output;

/// <summary>
/// Where the scored rows go: each row is the kept values then the prediction values, in the order of the columns given
/// when the output was opened. Rows come one block at a time; <see cref="Finish"/> completes the file (it is then
/// renamed by the caller's <see cref="AtomicFile"/>).
/// </summary>
internal interface IRowsOutput
{
    /// <summary>Writes one block of rows (possibly empty).</summary>
    void WriteBlock(IReadOnlyList<object?[]> rows);

    /// <summary>Writes whatever the format needs at the end and flushes.</summary>
    void Finish();
}

/// <summary>Opens the output writer the output path's extension asks for.</summary>
internal static class RowsOutput
{
    /// <summary>A CSV or Parquet writer over <paramref name="stream"/>, by <paramref name="path"/>'s extension (.csv or .parquet).</summary>
    public static IRowsOutput Open(string path, Stream stream, IReadOnlyList<OutputColumn> columns) =>
        Kind(path) == ".parquet" ? new ParquetOutput(stream, columns, path) : new CsvOutput(stream, columns);

    /// <summary>".csv" or ".parquet"; a <see cref="CliException"/> for any other extension.</summary>
    public static string Kind(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => ".csv",
        ".parquet" => ".parquet",
        _ => throw new CliException($"Output '{path}': the tool writes .csv and .parquet files; give the output one of those extensions."),
    };
}
