using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Cli.Output;

/// <summary>
/// The prediction columns written per model kind (from the ONNX metadata's task): a classifier → <c>PredictedLabel</c>
/// (the label value of the predicted key, e.g. the class name) and one <c>Score_&lt;class&gt;</c> column per class name; a regressor → <c>Score</c>;
/// text → text → <c>PredictedText</c> and <c>Score</c>. Values are written invariant, floats round-trip ("R"), so the
/// file holds exactly what model.Transform gives.
/// </summary>
internal sealed class PredictionColumns
{
    // ML.NET's annotation kind for a key's values (AnnotationUtils.Kinds.KeyValues, which is not public).
    private const string KeyValuesKind = "KeyValues";

    private readonly List<(string Header, Func<DataViewRow, Func<string>> Bind)> _columns = [];

    /// <summary>Output header names, in order.</summary>
    public IEnumerable<string> Headers => _columns.Select(c => c.Header);

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

    /// <summary>Per output column, a function that formats the current value of <paramref name="row"/>.</summary>
    public List<Func<string>> Bind(DataViewRow row) => [.. _columns.Select(c => c.Bind(row))];

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
                _columns.Add((header, row => VectorSlot(row, column, v.ItemType, slot)));
            }
        }
        else if (type is KeyDataViewType)
        {
            // A key (PredictedLabel) is written as its value: the class name from the key-values annotation.
            _columns.Add((column.Name, row => KeyValue(row, column)));
        }
        else _columns.Add((column.Name, row => Scalar(row, column, type)));
    }

    private static Func<string> Scalar(DataViewRow row, DataViewSchema.Column column, DataViewType type)
    {
        if (type == NumberDataViewType.Single) { var g = row.GetGetter<float>(column); return () => { float v = 0; g(ref v); return Format(v); }; }
        if (type == NumberDataViewType.Double) { var g = row.GetGetter<double>(column); return () => { double v = 0; g(ref v); return v.ToString("R", CultureInfo.InvariantCulture); }; }
        if (type is TextDataViewType) { var g = row.GetGetter<ReadOnlyMemory<char>>(column); return () => { ReadOnlyMemory<char> v = default; g(ref v); return v.ToString(); }; }
        if (type == NumberDataViewType.UInt32) { var g = row.GetGetter<uint>(column); return () => { uint v = 0; g(ref v); return v.ToString(CultureInfo.InvariantCulture); }; }
        if (type == NumberDataViewType.Int32) { var g = row.GetGetter<int>(column); return () => { int v = 0; g(ref v); return v.ToString(CultureInfo.InvariantCulture); }; }
        if (type == NumberDataViewType.Int64) { var g = row.GetGetter<long>(column); return () => { long v = 0; g(ref v); return v.ToString(CultureInfo.InvariantCulture); }; }
        if (type is BooleanDataViewType) { var g = row.GetGetter<bool>(column); return () => { bool v = false; g(ref v); return v ? "true" : "false"; }; }
        throw new CliException($"Output column {column.Name} has type {type}, which the tool cannot write yet.");
    }

    private static Func<string> VectorSlot(DataViewRow row, DataViewSchema.Column column, DataViewType item, int slot)
    {
        if (item != NumberDataViewType.Single) throw new CliException($"Output column {column.Name} is a vector of {item}; the tool writes float vectors only.");
        var g = row.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        return () => { g(ref buffer); return Format(buffer.GetItemOrDefault(slot)); };
    }

    private static Func<string> KeyValue(DataViewRow row, DataViewSchema.Column column)
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
