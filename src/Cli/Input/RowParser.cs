using Microsoft.ML.Data;

namespace MlNetDeep.Cli.Input;

/// <summary>A row that cannot be scored: its 1-based data row number (the first row after the header is 1), the column, the reason.</summary>
internal sealed record BadRow(long Row, string Column, string Reason);

/// <summary>Converts one input record into the values of the model's input columns, in the order of the sources.</summary>
internal static class RowParser
{
    /// <summary>The values (VBuffer for vectors), or null and the first problem found.</summary>
    public static object[]? Parse(IReadOnlyList<ColumnSource> sources, List<string> fields, int headerCount, long row, out BadRow? bad)
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
                // Numbered columns: one field per value; otherwise one field with the values separated by spaces.
                string[] parts = src.Fields.Length > 1
                    ? [.. src.Fields.Select(f => fields[f])]
                    : fields[src.Fields[0]].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != v.Size)
                {
                    bad = new BadRow(row, src.FieldNames[0], $"has {parts.Length} values, the model's {src.Column.Name} needs {v.Size}");
                    return null;
                }
                var items = Array.CreateInstance(v.ItemType.RawType, v.Size);
                for (int k = 0; k < parts.Length; k++)
                {
                    object? value = ValueParser.Parse(parts[k], v.ItemType, out string? reason);
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
                object? value = ValueParser.Parse(fields[src.Fields[0]], src.Column.Type, out string? reason);
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
