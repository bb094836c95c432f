using System.Text;

namespace MlNetDeep.Cli.Input;

/// <summary>
/// Reads delimited records (CSV with ',' or TSV with tab): fields may be quoted with '"' (a doubled quote inside is
/// one quote; a quoted field may span lines). Tracks the line on which each record starts, for error messages.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader, char separator)
{
    private int _line;

    /// <summary>The 1-based line on which the last record returned by <see cref="Read"/> started.</summary>
    public int RecordLine { get; private set; }

    /// <summary>The next record's fields, or null at the end. Blank lines are skipped.</summary>
    public List<string>? Read()
    {
        while (true)
        {
            string? line = reader.ReadLine();
            if (line is null) return null;
            _line++;
            if (line.Length == 0) continue;
            RecordLine = _line;
            return Split(line);
        }
    }

    private List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        int i = 0;
        while (true)
        {
            if (i == line.Length)
            {
                if (!quoted) break;
                // A quoted field goes on over the line break.
                string? next = reader.ReadLine() ?? throw new CliException($"Line {RecordLine}: a quoted field is not closed before the end of the file.");
                _line++;
                field.Append('\n');
                line = next;
                i = 0;
                continue;
            }
            char c = line[i++];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i < line.Length && line[i] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == separator) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
