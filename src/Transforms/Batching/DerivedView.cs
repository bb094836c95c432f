using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// A view computed row by row from one source view (same rows, in the same order): what its kinds share. Not shuffled,
/// the source's row count, and one cursor whatever the parallelism asked for (the batched ONNX stage below it streams
/// one batch at a time through one cursor).
/// </summary>
internal abstract class DerivedView(IDataView source) : IDataView
{
    /// <summary>The data this view reads.</summary>
    public IDataView Source { get; } = source;

    /// <inheritdoc/>
    public bool CanShuffle => false;

    /// <inheritdoc/>
    public abstract DataViewSchema Schema { get; }

    /// <inheritdoc/>
    public long? GetRowCount() => Source.GetRowCount();

    /// <inheritdoc/>
    public abstract DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null);

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}

/// <summary>A cursor of a <see cref="DerivedView"/>: moves, positions, row ids and disposal are its source cursor's.</summary>
internal abstract class DerivedCursor(DataViewRowCursor source) : DataViewRowCursor
{
    /// <summary>The source view's cursor.</summary>
    protected DataViewRowCursor SourceCursor { get; } = source;

    /// <inheritdoc/>
    public override long Position => SourceCursor.Position;

    /// <inheritdoc/>
    public override long Batch => SourceCursor.Batch;

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => SourceCursor.GetIdGetter();

    /// <inheritdoc/>
    public override bool MoveNext() => SourceCursor.MoveNext();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) SourceCursor.Dispose();
        base.Dispose(disposing);
    }
}
