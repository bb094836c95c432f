using System.Text;

namespace MlNetDeep.Cli.Output;

/// <summary>Writes CSV records (RFC 4180 quoting: a field with the separator, a quote or a line break is quoted, quotes doubled).</summary>
internal sealed class CsvWriter(TextWriter writer, char separator = ',')
{
    private readonly StringBuilder _line = new();

    /// <summary>Writes one record.</summary>
    public void Write(IEnumerable<string> fields)
    {
        _line.Clear();
        bool first = true;
        foreach (string f in fields)
        {
            if (!first) _line.Append(separator);
            first = false;
            if (f.IndexOfAny([separator, '"', '\n', '\r']) >= 0) _line.Append('"').Append(f.Replace("\"", "\"\"")).Append('"');
            else _line.Append(f);
        }
        writer.Write(_line.Append('\n'));
    }
}
