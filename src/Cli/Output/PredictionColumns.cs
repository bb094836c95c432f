using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Cli.Output;

/// <summary>
/// The prediction columns written per model kind (from the ONNX metadata's task): a classifier → <c>PredictedLabel</c>
/// (the label value of the predicted key, e.g. the class name) and one <c>Score_&lt;class&gt;</c> column per class name; a regressor → <c>Score</c>;
/// text → text → <c>PredictedText</c> and <c>Score</c>. Each column has a CLR type (float for scores, string for labels
/// and texts) so that a typed output (Parquet) keeps it; <see cref="Text"/> formats a value for CSV, invariant, floats
/// round-trip ("R"), so the file holds exactly what model.Transform gives.
/// </summary>
internal sealed class PredictionColumns
{
    // ML.NET's annotation kind for a key's values (AnnotationUtils.Kinds.KeyValues, which is not public).
    private const string KeyValuesKind = "KeyValues";

    private readonly List<(string Header, Type Type, Func<DataViewRow, Func<object?>> Bind)> _columns = [];

    /// <summary>Output header names, in order.</summary>
    public IEnumerable<string> Headers => _columns.Select(c => c.Header);

    /// <summary>The output columns: name and CLR type of the values (float, double, int, long, bool or string; string may be null).</summary>
    public IEnumerable<OutputColumn> Columns => _columns.Select(c => new OutputColumn(c.Header, c.Type));

    /// <summary>Chooses the columns of <paramref name="scored"/> to write for <paramref name="task"/>.</summary>
    public static PredictionColumns For(string? task, DataViewSchema scored, IReadOnlyList<string> classNames)
    {
        var p = new PredictionColumns();
        string[] names = task switch
        {
            "classification" => ["PredictedLabel", "Score"],
            "regression" => ["Score"],
            "sequence-to-sequence" => ["PredictedText", "Score"],
            _ => throw new CliException($"The model's ONNX metadata gives task '{task ?? "(none)"}'; the tool scores classification, regression and sequence-to-sequence models."),
        };
        foreach (string name in names)
        {
            var column = scored.GetColumnOrNull(name)
                ?? throw new CliException($"The model's output has no column '{name}' (it has {string.Join(", ", scored.Where(c => !c.IsHidden).Select(c => c.Name))}); the tool writes the trainer's default output columns.");
            p.Add(column, task == "classification" && name == "Score" ? classNames : null);
        }
        return p;
    }

    /// <summary>Per output column, a function that reads the current value of <paramref name="row"/> (typed as <see cref="Columns"/> says).</summary>
    public List<Func<object?>> Bind(DataViewRow row) => [.. _columns.Select(c => c.Bind(row))];

    /// <summary>A value as the CSV output writes it: invariant, floats round-trip ("R"), booleans true/false, null empty.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        float f => Format(f),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private void Add(DataViewSchema.Column column, IReadOnlyList<string>? slotNames)
    {
        var type = column.Type;
        if (type is VectorDataViewType v)
        {
            int size = v.Size;
            if (size == 0) throw new CliException($"Output column {column.Name} is a vector of unknown size; the tool writes vectors of known size only.");
            for (int k = 0; k < size; k++)
            {
                int slot = k;
                string header = $"{column.Name}_{(slotNames is { } s && s.Count == size ? s[k] : k.ToString(CultureInfo.InvariantCulture))}";
                _columns.Add((header, typeof(float), row => VectorSlot(row, column, v.ItemType, slot)));
            }
        }
        else if (type is KeyDataViewType)
        {
            // A key (PredictedLabel) is written as its value: the class name from the key-values annotation.
            _columns.Add((column.Name, typeof(string), row => KeyValue(row, column)));
        }
        else _columns.Add((column.Name, ScalarType(column, type), row => Scalar(row, column, type)));
    }

    private static Type ScalarType(DataViewSchema.Column column, DataViewType type) => type switch
    {
        _ when type == NumberDataViewType.Single => typeof(float),
        _ when type == NumberDataViewType.Double => typeof(double),
        TextDataViewType => typeof(string),
        _ when type == NumberDataViewType.UInt32 || type == NumberDataViewType.Int64 => typeof(long),
        _ when type == NumberDataViewType.Int32 => typeof(int),
        BooleanDataViewType => typeof(bool),
        _ => throw new CliException($"Output column {column.Name} has type {type}, which the tool cannot write yet."),
    };

    private static Func<object?> Scalar(DataViewRow row, DataViewSchema.Column column, DataViewType type)
    {
        if (type == NumberDataViewType.Single) { var g = row.GetGetter<float>(column); return () => { float v = 0; g(ref v); return v; }; }
        if (type == NumberDataViewType.Double) { var g = row.GetGetter<double>(column); return () => { double v = 0; g(ref v); return v; }; }
        if (type is TextDataViewType) { var g = row.GetGetter<ReadOnlyMemory<char>>(column); return () => { ReadOnlyMemory<char> v = default; g(ref v); return v.ToString(); }; }
        if (type == NumberDataViewType.UInt32) { var g = row.GetGetter<uint>(column); return () => { uint v = 0; g(ref v); return (long)v; }; }
        if (type == NumberDataViewType.Int32) { var g = row.GetGetter<int>(column); return () => { int v = 0; g(ref v); return v; }; }
        if (type == NumberDataViewType.Int64) { var g = row.GetGetter<long>(column); return () => { long v = 0; g(ref v); return v; }; }
        if (type is BooleanDataViewType) { var g = row.GetGetter<bool>(column); return () => { bool v = false; g(ref v); return v; }; }
        throw new CliException($"Output column {column.Name} has type {type}, which the tool cannot write yet.");
    }

    private static Func<object?> VectorSlot(DataViewRow row, DataViewSchema.Column column, DataViewType item, int slot)
    {
        if (item != NumberDataViewType.Single) throw new CliException($"Output column {column.Name} is a vector of {item}; the tool writes float vectors only.");
        var g = row.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        return () => { g(ref buffer); return buffer.GetItemOrDefault(slot); };
    }

    private static Func<object?> KeyValue(DataViewRow row, DataViewSchema.Column column)
    {
        var g = row.GetGetter<uint>(column);
        string[]? names = KeyValueTexts(column, out string missing);
        return () =>
        {
            uint key = 0;
            g(ref key);
            // Key 0 (no prediction, e.g. for NaN features) is written as MapKeyToValue maps it: the value type's missing value.
            if (key == 0) return missing;
            return names is not null && key <= names.Length ? names[key - 1] : key.ToString(CultureInfo.InvariantCulture);
        };
    }

    // The key-values annotation as text, whatever its item type (a label may be text, a float, an integer…), formatted as
    // the tool formats values of that type; null when the key has none. missing: how key 0 is written (NaN for floats,
    // as MapKeyToValue gives; empty otherwise).
    private static string[]? KeyValueTexts(DataViewSchema.Column column, out string missing)
    {
        missing = "";
        if (column.Annotations.Schema.GetColumnOrNull(KeyValuesKind) is not { Type: VectorDataViewType v }) return null;
        string[] Read<T>(Func<T, string> format)
        {
            VBuffer<T> values = default;
            column.Annotations.GetValue(KeyValuesKind, ref values);
            return [.. values.DenseValues().Select(format)];
        }
        if (v.ItemType == NumberDataViewType.Single || v.ItemType == NumberDataViewType.Double) missing = "NaN";
        return v.ItemType switch
        {
            TextDataViewType => Read<ReadOnlyMemory<char>>(t => t.ToString()),
            _ when v.ItemType == NumberDataViewType.Single => Read<float>(Format),
            _ when v.ItemType == NumberDataViewType.Double => Read<double>(d => d.ToString("R", CultureInfo.InvariantCulture)),
            _ when v.ItemType == NumberDataViewType.Int32 => Read<int>(i => i.ToString(CultureInfo.InvariantCulture)),
            _ when v.ItemType == NumberDataViewType.Int64 => Read<long>(i => i.ToString(CultureInfo.InvariantCulture)),
            _ when v.ItemType == NumberDataViewType.UInt32 => Read<uint>(i => i.ToString(CultureInfo.InvariantCulture)),
            BooleanDataViewType => Read<bool>(b => b ? "true" : "false"),
            _ => null,
        };
    }

    /// <summary>A float as the shortest text that reads back to the same value ("NaN", "Infinity" for non-finite).</summary>
    public static string Format(float v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>An output column: its name and the CLR type of its values (float, double, int, long, bool or string).</summary>
/// <param name="Name">Header / field name.</param>
/// <param name="Type">The values' type; string values may always be null (written empty in CSV).</param>
/// <param name="Nullable">Whether values of a number or boolean column may be null (a kept Parquet column that has nulls).</param>
internal sealed record OutputColumn(string Name, Type Type, bool Nullable = false);
