using Parquet;
using Parquet.Schema;

namespace MlNetDeep.Cli.Output;

/// <summary>
/// Parquet output: one row group per block, so memory stays at one block whatever the row count. Fields keep the values'
/// types (float scores, string labels and texts, kept columns as read); numbers and booleans are required fields, strings
/// optional. The footer is written by <see cref="Finish"/>; a run that fails before it leaves only the temporary file,
/// which <see cref="AtomicFile"/> deletes.
/// </summary>
internal sealed class ParquetOutput : IRowsOutput
{
    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private readonly OutputColumn[] _columns;

    /// <summary>Starts a Parquet file with one field per column on <paramref name="stream"/> (left open).</summary>
    public ParquetOutput(Stream stream, IReadOnlyList<OutputColumn> columns, string path)
    {
        var duplicate = columns.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new CliException($"Output '{path}': two output columns are named '{duplicate.Key}' (a --keep column and a prediction?); a Parquet file needs distinct field names.");
        _columns = [.. columns];
        _fields = [.. columns.Select(c => new DataField(c.Name, c.Type, isNullable: c.Nullable || c.Type == typeof(string)))];
        _writer = ParquetWriter.CreateAsync(new ParquetSchema(_fields), stream).GetAwaiter().GetResult();
    }

    public void WriteBlock(IReadOnlyList<object?[]> rows)
    {
        if (rows.Count == 0) return;
        using var group = _writer.CreateRowGroup();
        for (int c = 0; c < _fields.Length; c++)
        {
            var field = _fields[c];
            Type type = _columns[c].Type;
            if (type == typeof(string)) Await(group.WriteAsync(field, Column<string?>(rows, c)));
            else if (type == typeof(float)) Write<float>(group, field, rows, c);
            else if (type == typeof(double)) Write<double>(group, field, rows, c);
            else if (type == typeof(int)) Write<int>(group, field, rows, c);
            else if (type == typeof(long)) Write<long>(group, field, rows, c);
            else if (type == typeof(bool)) Write<bool>(group, field, rows, c);
            else throw new InvalidOperationException($"Output column {field.Name} has values of type {type}, which the Parquet writer does not handle.");
        }
        group.CompleteValidate();
    }

    public void Finish() => _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Write<T>(ParquetRowGroupWriter group, DataField field, IReadOnlyList<object?[]> rows, int c) where T : struct
    {
        if (_columns[c].Nullable) Await(group.WriteAsync<T>(field, (ReadOnlyMemory<T?>)Column<T?>(rows, c)));
        else Await(group.WriteAsync<T>(field, (ReadOnlyMemory<T>)Column<T>(rows, c)));
    }

    private static T[] Column<T>(IReadOnlyList<object?[]> rows, int c)
    {
        var values = new T[rows.Count];
        for (int r = 0; r < values.Length; r++) values[r] = (T)rows[r][c]!; // for T = U?, a null cell unboxes to null
        return values;
    }

    // The tool runs synchronously (a console program, no synchronisation context), so waiting on Parquet.Net's tasks is safe.
    private static void Await(ValueTask task) => task.AsTask().GetAwaiter().GetResult();

    private static void Await(Task task) => task.GetAwaiter().GetResult();
}
