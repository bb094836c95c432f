using Microsoft.ML;
using MlNetDeep.Cli.Output;

namespace MlNetDeep.Cli.Input;

/// <summary>The rows of a CSV (',') or TSV (tab) file with a header row, matched to the model's columns by <see cref="InputLayout"/>.</summary>
internal sealed class CsvInputRows : IInputRows
{
    private readonly StreamReader _reader;
    private readonly CsvRecordReader _records;
    private readonly List<string> _header;
    private readonly List<ColumnSource> _sources;
    private readonly int[] _kept;
    private List<string>? _fields;

    /// <summary>Opens <paramref name="path"/>, reads its header and matches it; <see cref="CliException"/>s name what is missing.</summary>
    public CsvInputRows(string path, char separator, SavedModel saved, IReadOnlyList<string> keep)
    {
        TotalRows = CountRows(path);
        _reader = new StreamReader(path);
        try
        {
            _records = new CsvRecordReader(_reader, separator);
            _header = _records.Read() ?? throw new CliException($"Input '{path}' is empty: it needs at least a header row.");
            _sources = InputLayout.Match(saved.Model, saved.InputSchema, _header, path);
            _kept = [.. keep.Select(k => _header.IndexOf(k) is int i and >= 0 ? i
                : throw new CliException($"--keep {k}: input '{path}' has no column '{k}' (its header has: {string.Join(", ", _header)})."))];
        }
        catch
        {
            _reader.Dispose();
            throw;
        }
        Schema = RowsDataView.SchemaOf(_sources);
        KeptColumns = [.. keep.Select(k => new OutputColumn(k, typeof(string)))];
    }

    public DataViewSchema Schema { get; }

    public IReadOnlyList<OutputColumn> KeptColumns { get; }

    public long TotalRows { get; }

    public string Where => $"line {_records.RecordLine}";

    public bool MoveNext() => (_fields = _records.Read()) is not null;

    public object[]? Parse(long row, out BadRow? bad) => RowParser.Parse(_sources, _fields!, _header.Count, row, out bad);

    public object?[] Kept() => [.. _kept.Select(k => _fields![k])];

    public void Dispose() => _reader.Dispose();

    // Data rows (non-blank lines after the header), for the ETA; a quoted field spanning lines makes this an estimate.
    private static long CountRows(string path)
    {
        long n = 0;
        foreach (string line in File.ReadLines(path)) if (line.Length > 0) n++;
        return Math.Max(0, n - 1);
    }
}
