using System.Text;

namespace MlNetDeep.Cli.Output;

/// <summary>CSV output: a header row, then one record per row, values formatted by <see cref="PredictionColumns.Text"/>.</summary>
internal sealed class CsvOutput : IRowsOutput
{
    private readonly StreamWriter _writer;
    private readonly CsvWriter _csv;

    /// <summary>Writes the header of <paramref name="columns"/> to <paramref name="stream"/> (UTF-8 without BOM).</summary>
    public CsvOutput(Stream stream, IReadOnlyList<OutputColumn> columns)
    {
        _writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        _csv = new CsvWriter(_writer);
        _csv.Write(columns.Select(c => c.Name));
    }

    public void WriteBlock(IReadOnlyList<object?[]> rows)
    {
        foreach (var row in rows) _csv.Write(row.Select(PredictionColumns.Text));
    }

    public void Finish() => _writer.Flush();
}
