using System.Reflection;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace MlNetDeep.Cli.Input;

/// <summary>
/// Reads one column of one Parquet row group into one cell per row: the value (text as string, numbers and booleans
/// boxed), null for a null, or for a list column an object?[] of its items (an empty or null list gives an empty array).
/// Parquet stores a column as its defined values plus definition levels (is the value there?) and repetition levels
/// (does it start a new row?); this turns them back into rows.
/// </summary>
internal static class ParquetCells
{
    private static readonly MethodInfo CellsOf = typeof(ParquetCells).GetMethod(nameof(Cells), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Whether <paramref name="field"/> is a column this reader turns into cells: a plain value, or a list of plain values.</summary>
    public static bool IsReadable(Field field, out bool isList) => (isList = field is ListField { Item: DataField { MaxRepetitionLevel: 1 } })
        || field is DataField { MaxRepetitionLevel: 0 };

    /// <summary>The data field holding <paramref name="field"/>'s values (the list's item for a list).</summary>
    public static DataField Data(Field field) => field is ListField list ? (DataField)list.Item : (DataField)field;

    /// <summary>One cell per row of the row group.</summary>
    public static object?[] Read(ParquetRowGroupReader group, Field field)
    {
        var data = Data(field);
        using var raw = group.ReadRawColumnDataBaseAsync(data).AsTask().GetAwaiter().GetResult();
        var type = raw.GetType().GetGenericArguments()[0];
        return (object?[])CellsOf.MakeGenericMethod(type).Invoke(null, BindingFlags.DoNotWrapExceptions, null, [raw, data, checked((int)group.RowCount)], null)!;
    }

    private static object?[] Cells<T>(RawColumnData<T> raw, DataField field, int rows) where T : struct
    {
        var cells = new object?[rows];
        ReadOnlySpan<T> values = raw.Values;
        int maxDef = field.MaxDefinitionLevel;
        ReadOnlySpan<int> def = maxDef > 0 ? raw.DefinitionLevels : default;
        int v = 0;
        if (field.MaxRepetitionLevel == 0)
        {
            for (int r = 0; r < rows; r++) cells[r] = maxDef == 0 || def[r] == maxDef ? Box(values[v++]) : null;
            return cells;
        }
        // A list: a repetition level of 0 starts a row. Definition level maxDef is an item; maxDef − 1 a null item when
        // items are optional; lower levels an empty or null list (no item).
        ReadOnlySpan<int> rep = raw.RepetitionLevels;
        int nullItem = field.IsNullable ? maxDef - 1 : -1;
        var items = new List<object?>();
        int row = -1;
        for (int i = 0; i < rep.Length; i++)
        {
            if (rep[i] == 0)
            {
                if (row >= 0) cells[row] = items.ToArray();
                row++;
                items.Clear();
            }
            if (def[i] == maxDef) items.Add(Box(values[v++]));
            else if (def[i] == nullItem) items.Add(null);
        }
        if (row >= 0) cells[row] = items.ToArray();
        for (int r = row + 1; r < rows; r++) cells[r] = Array.Empty<object?>();
        return cells;
    }

    private static object? Box<T>(T value) => value is ReadOnlyMemory<char> text ? text.ToString() : value;
}
