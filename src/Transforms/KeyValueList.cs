using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Transforms;

/// <summary>
/// The key values of a label column (in key order) with their item type, able to build the
/// MapValue(index → value, treatValuesAsKeyType) transform that turns a class index back into a key
/// carrying the same values.
/// </summary>
internal sealed class KeyValueList
{
    private readonly Func<MLContext, string, string, IEstimator<ITransformer>> _createIndexToKey;

    private KeyValueList(IReadOnlyList<string> values, DataViewType itemType, Func<MLContext, string, string, IEstimator<ITransformer>> create)
    {
        Values = values;
        ItemType = itemType;
        _createIndexToKey = create;
    }

    /// <summary>Number of keys K.</summary>
    public int Count => Values.Count;

    /// <summary>(K) the key values in key order, as invariant text (for comparing and naming them in messages).</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Item type of the key values (Text, Single, ...).</summary>
    public DataViewType ItemType { get; }

    /// <summary>Reads the KeyValues annotation of a key column; without one, the values are "0".."K−1" (text).</summary>
    /// <param name="column">A key-typed column.</param>
    public static KeyValueList FromColumn(DataViewSchema.Column column)
    {
        var keyType = column.Type as KeyDataViewType
            ?? throw new ArgumentException($"Column '{column.Name}' is {column.Type}, not a key.", nameof(column));
        int count = checked((int)keyType.Count);
        var annotations = column.Annotations;
        var kvColumn = annotations.Schema.GetColumnOrNull(AnnotationUtilsKeyValues);
        if (kvColumn is not { Type: VectorDataViewType vectorType })
            return Of(Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), TextDataViewType.Instance);

        var item = vectorType.ItemType;
        return item.RawType switch
        {
            var t when t == typeof(ReadOnlyMemory<char>) => Of(Read<ReadOnlyMemory<char>>(annotations, kvColumn.Value).Select(v => v.ToString()).ToArray(), item),
            var t when t == typeof(float) => Of(Read<float>(annotations, kvColumn.Value), item),
            var t when t == typeof(double) => Of(Read<double>(annotations, kvColumn.Value), item),
            var t when t == typeof(int) => Of(Read<int>(annotations, kvColumn.Value), item),
            var t when t == typeof(long) => Of(Read<long>(annotations, kvColumn.Value), item),
            var t when t == typeof(uint) => Of(Read<uint>(annotations, kvColumn.Value), item),
            var t when t == typeof(ulong) => Of(Read<ulong>(annotations, kvColumn.Value), item),
            var t when t == typeof(bool) => Of(Read<bool>(annotations, kvColumn.Value), item),
            _ => throw new NotSupportedException($"Key values of type {item} on column '{column.Name}' are not supported; map the label to a key of text or numbers."),
        };
    }

    /// <summary>
    /// Placeholder values 0..K−1 of <paramref name="itemType"/> for schema propagation (GetOutputSchema), where the
    /// annotation's values are not available but its type and K are.
    /// </summary>
    /// <param name="count">K</param>
    /// <param name="itemType">Item type of the key values.</param>
    public static KeyValueList Placeholder(int count, DataViewType itemType)
    {
        var raw = itemType.RawType;
        if (raw == typeof(ReadOnlyMemory<char>)) return Of(Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), itemType);
        if (raw == typeof(float)) return Of(Enumerable.Range(0, count).Select(i => (float)i).ToArray(), itemType);
        if (raw == typeof(double)) return Of(Enumerable.Range(0, count).Select(i => (double)i).ToArray(), itemType);
        if (raw == typeof(int)) return Of(Enumerable.Range(0, count).ToArray(), itemType);
        if (raw == typeof(long)) return Of(Enumerable.Range(0, count).Select(i => (long)i).ToArray(), itemType);
        if (raw == typeof(uint)) return Of(Enumerable.Range(0, count).Select(i => (uint)i).ToArray(), itemType);
        if (raw == typeof(ulong)) return Of(Enumerable.Range(0, count).Select(i => (ulong)i).ToArray(), itemType);
        if (raw == typeof(bool)) return Of(Enumerable.Range(0, count).Select(i => i != 0).ToArray(), itemType);
        throw new NotSupportedException($"Key values of type {itemType} are not supported.");
    }

    /// <summary>
    /// Index → key carrying the label's key values with their original type: MapValue(Int64 index → value) into
    /// <see cref="TemporaryColumns.PredictedValue"/>, then MapValueToKey with keyData = the K values in key order,
    /// so key i+1 ↔ value i exactly as in the training label. (MapValue's own treatValuesAsKeyType would turn the
    /// key values into text.)
    /// </summary>
    /// <param name="ml">Context.</param>
    /// <param name="outputColumn">Key column to create.</param>
    /// <param name="indexColumn">Scalar Int64 class index.</param>
    public IEstimator<ITransformer> CreateIndexToKey(MLContext ml, string outputColumn, string indexColumn) => _createIndexToKey(ml, outputColumn, indexColumn);

    private const string AnnotationUtilsKeyValues = "KeyValues";

    private static T[] Read<T>(DataViewSchema.Annotations annotations, DataViewSchema.Column kv)
    {
        VBuffer<T> buffer = default;
        annotations.GetValue(kv.Name, ref buffer);
        return buffer.DenseValues().ToArray();
    }

    private static KeyValueList Of<T>(T[] values, DataViewType itemType) => new(
        values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray(), itemType, (ml, output, input) =>
        ml.Transforms.Conversion.MapValue(TemporaryColumns.PredictedValue, IndexToValue(values), input)
            .Append(ml.Transforms.Conversion.MapValueToKey(output, TemporaryColumns.PredictedValue,
                keyData: ml.Data.LoadFromEnumerable(values.Select(v => new KeyDataRow<T> { Value = v }))))
            .Append(ml.Transforms.DropColumns(TemporaryColumns.PredictedValue)));

    /// <summary>
    /// Index i → value i, and index −1 (the scoring graph's "no prediction", for a row with a NaN or ±∞ feature) → a value
    /// that is not a key value, which MapValueToKey turns into key 0 (missing), as ML.NET's own trainers predict for such rows.
    /// Boolean key values using both false and true leave no free value: there −1 maps to the key of false (MapValue's default).
    /// </summary>
    /// <param name="values">The K key values in key order.</param>
    private static IEnumerable<KeyValuePair<long, T>> IndexToValue<T>(T[] values)
    {
        var entries = values.Select((v, i) => new KeyValuePair<long, T>(i, v)).ToList();
        if (NotAKeyValue(values) is { } missing) entries.Add(new KeyValuePair<long, T>(-1, missing.Value!));
        return entries;
    }

    /// <summary>A value of type <typeparamref name="T"/> absent from <paramref name="values"/> (NaN for floating point), or null if there is none (both Booleans used).</summary>
    /// <param name="values">The key values.</param>
    private static StrongBox<T>? NotAKeyValue<T>(T[] values)
    {
        var used = new HashSet<T>(values);
        object? free = values switch
        {
            float[] => float.NaN,
            double[] => double.NaN,
            string[] => Enumerable.Range(1, values.Length + 1).Select(n => new string('\u0001', n)).First(v => !used.Contains((T)(object)v)),
            bool[] => new[] { false, true }.Cast<bool?>().FirstOrDefault(b => !used.Contains((T)(object)b!.Value)),
            _ => Enumerable.Range(0, values.Length + 1).Select(n => Convert.ChangeType(n, typeof(T), System.Globalization.CultureInfo.InvariantCulture))
                .First(v => !used.Contains((T)v)),
        };
        return free is null ? null : new StrongBox<T>((T)free);
    }

    /// <summary>One key value, as a row of the keyData view.</summary>
    private sealed class KeyDataRow<T>
    {
        public T Value { get; set; } = default!;
    }
}
