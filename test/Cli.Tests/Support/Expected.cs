using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Cli.Tests.Support;

/// <summary>What model.Transform gives, formatted as the tool writes it (floats round-trip "R", keys as their values).</summary>
public static class Expected
{
    /// <summary>Per row of <paramref name="rows"/>: PredictedLabel's class name, then the Score values.</summary>
    public static List<string[]> Classifier(string modelPath, IEnumerable<BlobRow> rows)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(modelPath, out _);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var label = scored.Schema["PredictedLabel"];
        VBuffer<ReadOnlyMemory<char>> names = default;
        label.GetKeyValues(ref names);
        var result = new List<string[]>();
        using var cursor = scored.GetRowCursor(scored.Schema);
        var key = cursor.GetGetter<uint>(label);
        var score = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        while (cursor.MoveNext())
        {
            uint k = 0;
            VBuffer<float> s = default;
            key(ref k);
            score(ref s);
            result.Add([k == 0 ? "" : names.GetItemOrDefault((int)k - 1).ToString(), .. s.DenseValues().Select(F)]);
        }
        return result;
    }

    /// <summary>The class names in score order (the PredictedLabel key values).</summary>
    public static string[] ClassNames(string modelPath)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(modelPath, out var schema);
        VBuffer<ReadOnlyMemory<char>> names = default;
        model.GetOutputSchema(schema)["PredictedLabel"].GetKeyValues(ref names);
        return [.. names.DenseValues().Select(n => n.ToString())];
    }

    /// <summary>Per row: the listed scalar columns (float or text) of model.Transform.</summary>
    public static List<string[]> Scalars<T>(string modelPath, IEnumerable<T> rows, params string[] columns) where T : class
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(modelPath, out _);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var result = new List<string[]>();
        using var cursor = scored.GetRowCursor(scored.Schema);
        var getters = columns.Select(c => Getter(cursor, scored.Schema[c])).ToArray();
        while (cursor.MoveNext()) result.Add([.. getters.Select(g => g())]);
        return result;
    }

    private static Func<string> Getter(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var g = row.GetGetter<ReadOnlyMemory<char>>(column);
            return () => { ReadOnlyMemory<char> v = default; g(ref v); return v.ToString(); };
        }
        var f = row.GetGetter<float>(column);
        return () => { float v = 0; f(ref v); return F(v); };
    }

    private static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
}
