using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// The data's columns renamed, repeated or left out, without touching a value: each output column reads one source
/// column. It does what ML.NET's CopyColumns and DropColumns/SelectColumns stages do (the trainers end every scoring
/// chain with them, to give the score its user's name and remove temporaries), without their per-row cost: behind a
/// batched ONNX stage those two stages cost about 4 µs a row, as much as the forecaster's whole batched LSTM graph
/// (measured with bench's <c>scoring</c>). <see cref="BatchScorer"/> uses it in their place only when each output column
/// of the stage's own output schema can be traced to one source column of the same type (<see cref="TryReplace"/>);
/// otherwise the stage runs as saved. The schema is the stage's own, so names, types, hidden flags and annotations are
/// ML.NET's; consecutive projections collapse into one over the first one's source.
/// </summary>
internal sealed class ColumnProjectionView : DerivedView
{
    private readonly int[] _sourceIndex; // output column j reads Source.Schema[_sourceIndex[j]]

    private ColumnProjectionView(IDataView source, int[] sourceIndex, DataViewSchema schema) : base(source)
    {
        _sourceIndex = sourceIndex;
        Schema = schema;
    }

    /// <inheritdoc/>
    public override DataViewSchema Schema { get; }

    /// <summary>
    /// The view in place of <paramref name="stage"/> applied to <paramref name="input"/>, when <paramref name="stage"/> is a
    /// CopyColumns or a DropColumns/SelectColumns stage whose output columns all trace back to input columns; null otherwise.
    /// </summary>
    public static IDataView? TryReplace(ITransformer stage, IDataView input)
    {
        if (stage is not (ColumnCopyingTransformer or ColumnSelectingTransformer)) return null;
        var output = stage.GetOutputSchema(input.Schema);
        int[]? map = stage is ColumnCopyingTransformer copy ? CopyMap(copy, input.Schema, output) : SelectionMap(input.Schema, output);
        if (map is null || map.Where((source, j) => !input.Schema[source].Type.Equals(output[j].Type)).Any()) return null;
        return input is ColumnProjectionView inner
            ? new ColumnProjectionView(inner.Source, [.. map.Select(i => inner._sourceIndex[i])], output)
            : new ColumnProjectionView(input, map, output);
    }

    /// <summary>
    /// CopyColumns keeps every input column, in order, and adds one visible column per (output, input) pair, read from the
    /// input column the name finds (the last, visible one); an added column that takes an input column's name hides it and
    /// comes right after it (ML.NET's column bindings), others come last. So an output column is an added one when it is
    /// visible and named by a pair, and otherwise the next input column. ML.NET keeps the pairs internal
    /// (<c>ColumnCopyingTransformer.Columns</c>): read by reflection, and if a later ML.NET renames it the stage runs as saved.
    /// </summary>
    private static int[]? CopyMap(ColumnCopyingTransformer copy, DataViewSchema input, DataViewSchema output)
    {
        var pairs = (CopyPairs?.GetValue(copy) as IEnumerable<(string Output, string Input)>)?.ToArray();
        if (pairs is null || pairs.DistinctBy(p => p.Output).Count() != pairs.Length || output.Count != input.Count + pairs.Length) return null;
        var added = pairs.ToDictionary(p => p.Output, p => input.GetColumnOrNull(p.Input)?.Index);
        var map = new int[output.Count];
        int next = 0;
        foreach (var column in output)
        {
            if (!column.IsHidden && added.TryGetValue(column.Name, out int? source))
            {
                if (source is null) return null;
                map[column.Index] = source.Value;
            }
            else if (next < input.Count && input[next].Name == column.Name) map[column.Index] = next++;
            else return null;
        }
        return next == input.Count ? map : null;
    }

    private static readonly PropertyInfo? CopyPairs =
        typeof(ColumnCopyingTransformer).GetProperty("Columns", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>
    /// A selection only removes (or, keeping, reorders) columns, so an output column reads an input column of its name: the
    /// i-th of that name when the output has as many columns of the name as the input, the last (visible) one when it has
    /// one; any other case is not a selection this view understands.
    /// </summary>
    private static int[]? SelectionMap(DataViewSchema input, DataViewSchema output)
    {
        var inputByName = input.GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.Select(c => c.Index).ToArray());
        var outputCount = output.GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.Count());
        var seen = new Dictionary<string, int>();
        var map = new int[output.Count];
        foreach (var column in output)
        {
            if (!inputByName.TryGetValue(column.Name, out var sources)) return null;
            int occurrence = seen[column.Name] = seen.GetValueOrDefault(column.Name) + 1;
            int count = outputCount[column.Name];
            if (count == sources.Length) map[column.Index] = sources[occurrence - 1];
            else if (count == 1) map[column.Index] = sources[^1];
            else return null;
        }
        return map;
    }

    /// <inheritdoc/>
    public override DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded?.ToArray() ?? throw new ArgumentNullException(nameof(columnsNeeded));
        var upstream = needed.Select(c => Source.Schema[_sourceIndex[c.Index]]).DistinctBy(c => c.Index);
        return new Cursor(this, Source.GetRowCursor(upstream, rand));
    }

    /// <summary>The source cursor, its columns seen through the projection.</summary>
    private sealed class Cursor(ColumnProjectionView view, DataViewRowCursor source) : DerivedCursor(source)
    {
        public override DataViewSchema Schema => view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => SourceCursor.IsColumnActive(SourceColumn(column));

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => SourceCursor.GetGetter<TValue>(SourceColumn(column));

        private DataViewSchema.Column SourceColumn(DataViewSchema.Column column) => view.Source.Schema[view._sourceIndex[column.Index]];
    }
}
