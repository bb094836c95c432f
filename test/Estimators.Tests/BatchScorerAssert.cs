using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Estimators.Tests;

/// <summary>Compares two data views column by column and row by row: same schema (names, types, hidden), identical values.</summary>
internal static class BatchScorerAssert
{
    /// <summary>Asserts <paramref name="actual"/> has <paramref name="expected"/>'s columns and, in every readable column, its values exactly (NaN equals NaN).</summary>
    /// <returns>The number of rows compared.</returns>
    public static int SameData(IDataView expected, IDataView actual)
    {
        Assert.Equal(Describe(expected.Schema), Describe(actual.Schema));
        var columns = expected.Schema.Where(c => Readable(c.Type)).ToArray();
        Assert.NotEmpty(columns);
        using var e = expected.GetRowCursor(columns);
        using var a = actual.GetRowCursor(columns.Select(c => actual.Schema[c.Index]));
        var readE = columns.Select(c => Reader(e, c)).ToArray();
        var readA = columns.Select(c => Reader(a, actual.Schema[c.Index])).ToArray();
        int rows = 0;
        while (e.MoveNext())
        {
            Assert.True(a.MoveNext(), $"the batched view ends after {rows} rows");
            for (int i = 0; i < columns.Length; i++)
            {
                object want = readE[i](), got = readA[i]();
                Assert.True(Same(want, got), $"row {rows}, column '{columns[i].Name}': expected {Show(want)}, got {Show(got)}");
            }
            rows++;
        }
        Assert.False(a.MoveNext(), $"the batched view has more than {rows} rows");
        return rows;
    }

    private static string[] Describe(DataViewSchema schema) => [.. schema.Select(c => $"{c.Index} {c.Name} {c.Type} hidden={c.IsHidden}")];

    private static bool Readable(DataViewType type)
    {
        var item = type is VectorDataViewType v ? v.ItemType : type;
        return item is NumberDataViewType or KeyDataViewType or TextDataViewType or BooleanDataViewType;
    }

    private static Func<object> Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var method = typeof(BatchScorerAssert).GetMethod(column.Type is VectorDataViewType ? nameof(VectorReader) : nameof(ValueReader),
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var item = column.Type is VectorDataViewType v ? v.ItemType.RawType : column.Type.RawType;
        return (Func<object>)method.MakeGenericMethod(item).Invoke(null, [cursor, column])!;
    }

    private static Func<object> VectorReader<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<VBuffer<T>>(column);
        return () =>
        {
            VBuffer<T> value = default;
            getter(ref value);
            return value.DenseValues().Select(Plain).ToArray();
        };
    }

    private static Func<object> ValueReader<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return Plain(value);
        };
    }

    private static object Plain<T>(T value) => value is ReadOnlyMemory<char> text ? text.ToString() : value!;

    private static bool Same(object want, object got) => want is object[] w && got is object[] g
        ? w.Length == g.Length && w.Zip(g).All(p => Equals(p.First, p.Second))
        : Equals(want, got); // boxed float/double Equals: NaN equals NaN, bit-exact otherwise (±0 aside)

    private static string Show(object value) => value is object[] items ? $"[{string.Join(", ", items)}]" : $"{value}";
}
