using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// The data with one more column: element 0 of a one-element vector column, as a scalar. It does what the trainers'
/// CustomMapping stages <see cref="ScoreToScalarFactory"/> (Vector&lt;Single, 1&gt; → Single) and
/// <see cref="PredictedIndexToScalarFactory"/> (Vector&lt;Int64, 1&gt; → Int64) do, without their per-row cost: ML.NET's
/// CustomMapping fills an input object and an output object per row through generated accessors (about 5 µs a row,
/// measured; as much as the batched forecaster's whole ONNX stage). <see cref="BatchScorer"/> uses it in their place only
/// when the schema it makes equals the CustomMapping's (<see cref="TryReplace"/>); otherwise the stage runs as saved.
/// </summary>
internal sealed class FirstElementView<T> : DerivedView
{
    private readonly DataViewSchema.Column _vector;

    private FirstElementView(IDataView source, DataViewSchema.Column vector, DataViewSchema schema) : base(source)
    {
        _vector = vector;
        Schema = schema;
    }

    /// <inheritdoc/>
    public override DataViewSchema Schema { get; }

    /// <summary>
    /// The view in place of <paramref name="stage"/> applied to <paramref name="input"/>, when <paramref name="stage"/>
    /// is the CustomMapping <typeparamref name="TIn"/> → <typeparamref name="TOut"/> taking <paramref name="vectorName"/>'s
    /// element 0 into <paramref name="scalarName"/> and the view's schema is the stage's own; null otherwise.
    /// </summary>
    public static IDataView? TryReplace<TIn, TOut>(ITransformer stage, IDataView input, string vectorName, string scalarName)
        where TIn : class, new()
        where TOut : class, new()
    {
        if (stage is not CustomMappingTransformer<TIn, TOut>) return null;
        if (input.Schema.GetColumnOrNull(vectorName) is not { } vector
            || vector.Type is not VectorDataViewType { Size: 1 } vectorType || vectorType.ItemType.RawType != typeof(T))
            return null;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input.Schema);
        builder.AddColumn(scalarName, vectorType.ItemType);
        var schema = builder.ToSchema();
        return SameSchema(schema, stage.GetOutputSchema(input.Schema)) ? new FirstElementView<T>(input, vector, schema) : null;
    }

    /// <inheritdoc/>
    public override DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded?.ToArray() ?? throw new ArgumentNullException(nameof(columnsNeeded));
        bool scalarNeeded = needed.Any(c => c.Index == Source.Schema.Count);
        var upstream = needed.Where(c => c.Index < Source.Schema.Count).Select(c => Source.Schema[c.Index]);
        if (scalarNeeded) upstream = upstream.Append(_vector);
        return new Cursor(this, Source.GetRowCursor(upstream.Distinct()), scalarNeeded);
    }

    // Names, types, hidden flags and annotation names, column by column: what a consumer of the schema can tell apart.
    private static bool SameSchema(DataViewSchema a, DataViewSchema b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Name == p.Second.Name && p.First.Type.Equals(p.Second.Type)
            && p.First.IsHidden == p.Second.IsHidden
            && p.First.Annotations.Schema.Select(c => c.Name).SequenceEqual(p.Second.Annotations.Schema.Select(c => c.Name)));

    /// <summary>The source cursor's columns, and the scalar read from its vector column on demand.</summary>
    private sealed class Cursor(FirstElementView<T> view, DataViewRowCursor source, bool scalarActive) : DerivedCursor(source)
    {
        private readonly ValueGetter<VBuffer<T>>? _vector = scalarActive ? source.GetGetter<VBuffer<T>>(view._vector) : null;
        private VBuffer<T> _buffer;

        public override DataViewSchema Schema => view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index == view.Source.Schema.Count ? scalarActive : SourceCursor.IsColumnActive(view.Source.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < view.Source.Schema.Count) return SourceCursor.GetGetter<TValue>(view.Source.Schema[column.Index]);
            if (!scalarActive)
                throw new InvalidOperationException($"Column '{column.Name}' was not asked for when this cursor was made, so it cannot be read.");
            if (typeof(TValue) != typeof(T))
                throw new InvalidOperationException($"Column '{column.Name}' holds {typeof(T).Name}, not {typeof(TValue).Name}.");
            ValueGetter<T> getter = (ref T value) =>
            {
                _vector!(ref _buffer);
                value = _buffer.GetItemOrDefault(0);
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }
    }
}
