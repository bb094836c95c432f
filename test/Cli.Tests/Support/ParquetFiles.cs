using Parquet;
using Parquet.Schema;

namespace MlNetDeep.Cli.Tests.Support;

/// <summary>A Parquet file read back whole: field names, value types, rows and the number of row groups.</summary>
public sealed record ParquetTable(string[] Names, Type[] Types, List<object?[]> Rows, int RowGroups);

/// <summary>Writes the tests' Parquet inputs and reads the tool's Parquet outputs, with Parquet.Net.</summary>
public static class ParquetFiles
{
    /// <summary>
    /// Blob rows as Parquet: Id (string), the features, Label (string), in row groups of <paramref name="groupSizes"/>.
    /// Features as a list column <c>Features</c> of floats, or as numbered nullable double columns Features_0…3 where a
    /// NaN is written as null (a missing value).
    /// </summary>
    public static string WriteBlobs(string path, IReadOnlyList<BlobRow> rows, bool asList, params int[] groupSizes)
    {
        Assert.Equal(rows.Count, groupSizes.Sum());
        var id = new DataField<string>("Id");
        var label = new DataField<string>("Label");
        var list = new ListField("Features", new DataField<float>("element"));
        DataField[] numbered = [.. Enumerable.Range(0, 4).Select(k => new DataField<double?>($"Features_{k}"))];
        var schema = asList ? new ParquetSchema(id, list, label) : new ParquetSchema([id, .. numbered, label]);
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(schema, stream).GetAwaiter().GetResult();
        try
        {
            int start = 0;
            foreach (int size in groupSizes)
            {
                var group = rows.Skip(start).Take(size).ToList();
                start += size;
                using var g = writer.CreateRowGroup();
                Wait(g.WriteAsync(schema.DataFields[0], group.Select(r => r.Id).ToList()));
                if (asList)
                {
                    float?[] values = [.. group.SelectMany(r => r.Features.Select(f => (float?)f))];
                    int[] repetition = [.. group.SelectMany(r => r.Features.Select((_, k) => k == 0 ? 0 : 1))];
                    Wait(g.WriteAsync<float>(schema.DataFields[1], values, repetition));
                }
                else
                    for (int k = 0; k < 4; k++)
                        Wait(g.WriteAsync<double>(schema.DataFields[1 + k], group.Select(r => float.IsNaN(r.Features[k]) ? null : (double?)r.Features[k]).ToArray()));
                Wait(g.WriteAsync(schema.DataFields[^1], group.Select(r => r.Label).ToList()));
                g.CompleteValidate();
            }
        }
        finally { Close(writer); }
        return path;
    }

    /// <summary>A Parquet file of the given columns (one row group); a column's values are string?, double?, bool… as its CLR type says.</summary>
    public static string Write(string path, params (string Name, Type Type, object?[] Values)[] columns)
    {
        var fields = columns.Select(c => new DataField(c.Name, c.Type, isNullable: true)).ToArray();
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).GetAwaiter().GetResult();
        try
        {
            using var g = writer.CreateRowGroup();
            for (int c = 0; c < columns.Length; c++)
            {
                var v = columns[c].Values;
                if (columns[c].Type == typeof(string)) Wait(g.WriteAsync(fields[c], v.Cast<string?>().ToList()));
                else if (columns[c].Type == typeof(double)) Wait(g.WriteAsync<double>(fields[c], v.Select(x => (double?)x).ToArray()));
                else if (columns[c].Type == typeof(bool)) Wait(g.WriteAsync<bool>(fields[c], v.Select(x => (bool?)x).ToArray()));
                else throw new ArgumentException($"No writer for {columns[c].Type} in the tests.");
            }
            g.CompleteValidate();
        }
        finally { Close(writer); }
        return path;
    }

    /// <summary>Reads a file the tool wrote: every field of every row group (strings, floats, and others the tool writes).</summary>
    public static ParquetTable Read(string path)
    {
        var reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        try { return Read(reader); }
        finally { Close(reader); }
    }

    private static ParquetTable Read(ParquetReader reader)
    {
        var fields = reader.Schema.DataFields;
        var rows = new List<object?[]>();
        for (int gi = 0; gi < reader.RowGroupCount; gi++)
        {
            using var g = reader.OpenRowGroupReader(gi);
            int n = (int)g.RowCount;
            var columns = new object?[fields.Length][];
            for (int c = 0; c < fields.Length; c++)
            {
                var f = fields[c];
                if (f.ClrType == typeof(ReadOnlyMemory<char>))
                {
                    var s = new string?[n];
                    g.ReadAsync(f, s.AsMemory()).AsTask().GetAwaiter().GetResult();
                    columns[c] = s;
                }
                else if (f.ClrType == typeof(float) && !f.IsNullable)
                {
                    var s = new float[n];
                    g.ReadAsync<float>(f, s.AsMemory()).AsTask().GetAwaiter().GetResult();
                    columns[c] = [.. s.Cast<object?>()];
                }
                else if (f.ClrType == typeof(double) && f.IsNullable)
                {
                    var s = new double?[n];
                    g.ReadAsync<double>(f, s.AsMemory()).AsTask().GetAwaiter().GetResult();
                    columns[c] = [.. s.Cast<object?>()];
                }
                else if (f.ClrType == typeof(bool) && f.IsNullable)
                {
                    var s = new bool?[n];
                    g.ReadAsync<bool>(f, s.AsMemory()).AsTask().GetAwaiter().GetResult();
                    columns[c] = [.. s.Cast<object?>()];
                }
                else throw new ArgumentException($"Field {f.Name}: {f.ClrType} (nullable {f.IsNullable}) is not read by the tests.");
            }
            for (int r = 0; r < n; r++) rows.Add([.. columns.Select(c => c[r])]);
        }
        return new ParquetTable([.. fields.Select(f => f.Name)], [.. fields.Select(f => f.ClrType)], rows, reader.RowGroupCount);
    }

    private static void Close(IAsyncDisposable d) => d.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static void Wait(ValueTask t) => t.AsTask().GetAwaiter().GetResult();

    private static void Wait(Task t) => t.GetAwaiter().GetResult();
}
