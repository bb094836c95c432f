using System.Collections;
using Microsoft.ML;
using MlNetDeep.Cli.Output;
using Parquet;
using Parquet.Schema;

namespace MlNetDeep.Cli.Input;

/// <summary>
/// The rows of a Parquet file, read one row group at a time (memory bounded by the largest row group, and only the
/// columns the model needs plus the kept ones are read). Top-level fields are matched to the model's columns by
/// <see cref="InputLayout"/> like a CSV header; a vector comes from numbered fields, a list field, or a text field with
/// the values separated by spaces. Values convert by <see cref="CellConverter"/>; a value that cannot is a bad row
/// naming its row and column.
/// </summary>
internal sealed class ParquetInputRows : IInputRows
{
    private readonly string _path;
    private readonly FileStream _stream;
    private readonly ParquetReader _reader;
    private readonly Field[] _fields;
    private readonly List<ColumnSource> _sources;
    private readonly int[] _kept;
    private readonly int[] _read;
    private readonly object?[]?[] _cells;
    private readonly CurrentRow _current;
    private int _group = -1;
    private long _groupRows;
    private int _at;

    /// <summary>Opens <paramref name="path"/> and matches its fields; <see cref="CliException"/>s name what is missing or unreadable.</summary>
    public ParquetInputRows(string path, SavedModel saved, IReadOnlyList<string> keep)
    {
        _path = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            _reader = ParquetReader.CreateAsync(_stream).GetAwaiter().GetResult();
        }
        // As for a row group below: anything the footer's decoding throws means the file is not (readable) Parquet.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _stream.Dispose();
            throw new CliException($"Input '{path}' is not a readable Parquet file (corrupt or truncated?): {e.Message}", e);
        }
        try
        {
            _fields = [.. _reader.Schema.Fields];
            string[] names = [.. _fields.Select(f => f.Name)];
            _sources = InputLayout.Match(saved.Model, saved.InputSchema, names, path, "Its columns are");
            foreach (var s in _sources)
                foreach (int f in s.Fields) CheckReadable(f, canBeList: s.Column.Type is Microsoft.ML.Data.VectorDataViewType && s.Fields.Length == 1, s.Column.Name);
            _kept = [.. keep.Select(k => Array.IndexOf(names, k) is int i and >= 0 ? i
                : throw new CliException($"--keep {k}: input '{path}' has no column '{k}' (its columns are: {string.Join(", ", names)})."))];
            foreach (int k in _kept) CheckReadable(k, canBeList: false, null);
        }
        catch
        {
            Dispose();
            throw;
        }
        KeptColumns = [.. _kept.Select(k => KeptColumn(_fields[k]))];
        _read = [.. _sources.SelectMany(s => s.Fields).Concat(_kept).Distinct()];
        _cells = new object?[]?[_fields.Length];
        _current = new CurrentRow(this);
        Schema = RowsDataView.SchemaOf(_sources);
        TotalRows = _reader.Metadata?.NumRows ?? 0;
    }

    public DataViewSchema Schema { get; }

    public IReadOnlyList<OutputColumn> KeptColumns { get; }

    public long TotalRows { get; }

    public string Where => $"row group {_group}";

    public bool MoveNext()
    {
        _at++;
        while (_at >= _groupRows)
        {
            // LoadGroup starts at the group's first row; an empty group moves on to the next.
            if (_group + 1 >= _reader.RowGroupCount) return false;
            LoadGroup(_group + 1);
        }
        return true;
    }

    public object[]? Parse(long row, out BadRow? bad) => RowParser.Parse(_sources, _current, _fields.Length, row, out bad);

    public object?[] Kept() => [.. _kept.Select((k, i) => KeptValue(_cells[k]![_at], KeptColumns[i].Type))];

    public void Dispose()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Dispose();
    }

    private void LoadGroup(int group)
    {
        Array.Clear(_cells);
        using var reader = _reader.OpenRowGroupReader(group);
        foreach (int f in _read)
        {
            try
            {
                _cells[f] = ParquetCells.Read(reader, _fields[f]);
            }
            // Whatever a damaged column chunk makes Parquet.Net throw (its own exceptions, or index and format errors from
            // the decoders), the file is what is wrong: say which row group and column, not a stack trace.
            catch (Exception e) when (e is not (CliException or OutOfMemoryException))
            {
                throw new CliException($"Input '{_path}' row group {group}, column {_fields[f].Name}: cannot be read (corrupt file?): {e.Message}", e);
            }
        }
        _group = group;
        _groupRows = reader.RowCount;
        _at = 0;
    }

    private void CheckReadable(int field, bool canBeList, string? modelColumn)
    {
        var f = _fields[field];
        if (!ParquetCells.IsReadable(f, out bool isList) || (isList && !canBeList))
            throw new CliException($"Input '{_path}': column {f.Name} is a Parquet {f.SchemaType} field" +
                (modelColumn is null ? ", which --keep cannot copy; keep a column of plain values (text, numbers, booleans)."
                    : $"; the model's {modelColumn} needs {(canBeList ? "plain values or a list of them" : "a plain value")} (text, a number or a boolean) per row."));
    }

    // Kept columns keep their type in a Parquet output: text, booleans and numbers as such (small integers as int, uint as
    // long); anything else (dates, bytes…) as text.
    private static OutputColumn KeptColumn(Field field)
    {
        var data = ParquetCells.Data(field);
        Type t = Nullable.GetUnderlyingType(data.ClrType) ?? data.ClrType;
        Type type = t == typeof(bool) || t == typeof(int) || t == typeof(long) || t == typeof(float) || t == typeof(double) ? t
            : t == typeof(byte) || t == typeof(sbyte) || t == typeof(short) || t == typeof(ushort) ? typeof(int)
            : t == typeof(uint) ? typeof(long)
            : typeof(string);
        return new OutputColumn(field.Name, type, Nullable: type != typeof(string) && data.IsNullable);
    }

    private static object? KeptValue(object? cell, Type type) => cell is null ? null
        : type == typeof(string) ? cell as string ?? PredictionColumns.Text(cell)
        : type == typeof(int) ? Convert.ToInt32(cell, System.Globalization.CultureInfo.InvariantCulture)
        : type == typeof(long) ? Convert.ToInt64(cell, System.Globalization.CultureInfo.InvariantCulture)
        : cell;

    // The current row as a list of cells indexed like the fields (only the read ones are ever asked for).
    private sealed class CurrentRow(ParquetInputRows rows) : IReadOnlyList<object?>
    {
        public object? this[int index] => rows._cells[index]![rows._at];

        public int Count => rows._fields.Length;

        public IEnumerator<object?> GetEnumerator() => Enumerable.Range(0, Count).Select(i => rows._cells[i]?[rows._at]).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
