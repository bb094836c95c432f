using Microsoft.ML.Data;

namespace MlNetDeep.Cli.Input;

/// <summary>A row that cannot be scored: its 1-based data row number (the first row after the header is 1), the column, the reason.</summary>
internal sealed record BadRow(long Row, string Column, string Reason);

/// <summary>
/// Converts one input record into the values of the model's input columns, in the order of the sources. A record is a
/// list of cells, one per input column: text for CSV; typed values, null, or an object?[] for a list column for Parquet.
/// </summary>
internal static class RowParser
{
    /// <summary>The values (arrays for vectors), or null and the first problem found.</summary>
    /// <param name="sources">Where each model column comes from.</param>
    /// <param name="fields">The record's cells, indexed like the header.</param>
    /// <param name="headerCount">The header's column count; a record with another count is bad (CSV).</param>
    /// <param name="row">The 1-based row number, for <paramref name="bad"/>.</param>
    /// <param name="bad">The problem, when the result is null.</param>
    public static object[]? Parse(IReadOnlyList<ColumnSource> sources, IReadOnlyList<object?> fields, int headerCount, long row, out BadRow? bad)
    {
        bad = null;
        if (fields.Count != headerCount)
        {
            bad = new BadRow(row, "", $"has {fields.Count} fields where the header has {headerCount}");
            return null;
        }
        var values = new object[sources.Count];
        for (int s = 0; s < sources.Count; s++)
        {
            var src = sources[s];
            if (src.Column.Type is VectorDataViewType v)
            {
                // Numbered columns: one cell per value; otherwise one cell: a list, or text with the values separated by spaces.
                object?[]? parts = src.Fields.Length > 1 ? [.. src.Fields.Select(f => fields[f])] : fields[src.Fields[0]] switch
                {
                    string text => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
                    object?[] list => list,
                    _ => null,
                };
                if (parts is null)
                {
                    bad = new BadRow(row, src.FieldNames[0], fields[src.Fields[0]] is null
                        ? $"is null; the model's {src.Column.Name} needs {v.Size} values"
                        : $"holds one value; the model's {src.Column.Name} needs {v.Size} values (a list, or text with the values separated by spaces)");
                    return null;
                }
                if (parts.Length != v.Size)
                {
                    bad = new BadRow(row, src.FieldNames[0], $"has {parts.Length} values, the model's {src.Column.Name} needs {v.Size}");
                    return null;
                }
                var items = Array.CreateInstance(v.ItemType.RawType, v.Size);
                for (int k = 0; k < parts.Length; k++)
                {
                    object? value = CellConverter.Convert(parts[k], v.ItemType, out string? reason);
                    if (value is null)
                    {
                        bad = new BadRow(row, src.FieldNames.Length > 1 ? src.FieldNames[k] : $"{src.FieldNames[0]}[{k}]", reason!);
                        return null;
                    }
                    items.SetValue(value, k);
                }
                values[s] = items;
            }
            else
            {
                object? value = CellConverter.Convert(fields[src.Fields[0]], src.Column.Type, out string? reason);
                if (value is null)
                {
                    bad = new BadRow(row, src.FieldNames[0], reason!);
                    return null;
                }
                values[s] = value;
            }
        }
        return values;
    }
}
