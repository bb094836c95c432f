using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Cli.Input;

/// <summary>Where one model input column comes from in the input file: one field, or (for a vector) one field per value.</summary>
/// <param name="Column">The model's input column.</param>
/// <param name="Fields">Header indexes: one for a scalar or a space-separated vector, the vector's size for numbered columns.</param>
/// <param name="FieldNames">The header names of those fields, for error messages.</param>
internal sealed record ColumnSource(DataViewSchema.Column Column, int[] Fields, string[] FieldNames);

/// <summary>
/// Matches an input file's header to the columns the model reads, by name (case-sensitive, as ML.NET's column names).
/// A vector column of known size n, e.g. <c>Features: float[64]</c>, comes from numbered columns <c>Features_0</c> …
/// <c>Features_63</c> when the header has them, otherwise from one column <c>Features</c> holding the n values
/// separated by spaces (or, in Parquet, a list column <c>Features</c>). Only the columns the model's Transform actually needs are required: a saved column no stage reads
/// (e.g. a regressor's Label) may be absent.
/// </summary>
internal static class InputLayout
{
    /// <summary>The sources of the needed columns; a <see cref="CliException"/> names every missing one.</summary>
    /// <param name="model">The model.</param>
    /// <param name="saved">Its saved input schema.</param>
    /// <param name="header">The input's column names (a CSV header, a Parquet file's top-level fields).</param>
    /// <param name="inputPath">The input, for messages.</param>
    /// <param name="found">How the message introduces <paramref name="header"/>.</param>
    public static List<ColumnSource> Match(ITransformer model, DataViewSchema saved, IReadOnlyList<string> header, string inputPath, string found = "Its header has")
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++) index.TryAdd(header[i], i);
        var sources = new List<ColumnSource>();
        var missing = new List<string>();
        foreach (var column in Needed(model, saved))
        {
            CheckSupported(column);
            if (column.Type is VectorDataViewType v && v.Size > 0)
            {
                string[] numbered = [.. Enumerable.Range(0, v.Size).Select(k => $"{column.Name}_{k}")];
                if (numbered.All(index.ContainsKey)) sources.Add(new ColumnSource(column, [.. numbered.Select(n => index[n])], numbered));
                else if (index.TryGetValue(column.Name, out int one)) sources.Add(new ColumnSource(column, [one], [column.Name]));
                else missing.Add($"{column.Name} ({v.ItemType} × {v.Size}: columns {column.Name}_0 … {column.Name}_{v.Size - 1}, or one column {column.Name} with the values separated by spaces or, in Parquet, as a list)");
            }
            else if (index.TryGetValue(column.Name, out int at)) sources.Add(new ColumnSource(column, [at], [column.Name]));
            else missing.Add($"{column.Name} ({column.Type})");
        }
        if (missing.Count > 0)
            throw new CliException($"Input '{inputPath}' lacks column(s) the model needs: {string.Join("; ", missing)}. {found}: {string.Join(", ", header)}.");
        return sources;
    }

    /// <summary>
    /// The saved columns the model cannot do without: a column is needed when the model's output schema cannot be made
    /// without it (ML.NET checks every stage's inputs when propagating schemas).
    /// </summary>
    public static List<DataViewSchema.Column> Needed(ITransformer model, DataViewSchema saved)
    {
        var visible = saved.Where(c => !c.IsHidden).ToList();
        var needed = new List<DataViewSchema.Column>();
        foreach (var column in visible)
        {
            var builder = new DataViewSchema.Builder();
            foreach (var other in visible) if (other.Name != column.Name) builder.AddColumn(other.Name, other.Type, other.Annotations);
            try { model.GetOutputSchema(builder.ToSchema()); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException) { needed.Add(column); }
        }
        return needed;
    }

    private static void CheckSupported(DataViewSchema.Column column)
    {
        var item = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
        bool vectorOk = column.Type is not VectorDataViewType vt || vt.Size > 0;
        if (!vectorOk || !ValueParser.Supports(item))
            throw new CliException($"The model's input column {column.Name} has type {column.Type}, which the tool cannot read from an input file " +
                "(supported: text, numbers, booleans, and vectors of known size of those).");
    }
}
