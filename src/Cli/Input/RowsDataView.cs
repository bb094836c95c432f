using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Cli.Input;

/// <summary>
/// An in-memory IDataView over one block of parsed rows: scalar columns hold their value, vector columns an array of
/// their item type (handed out as a VBuffer). ML.NET has no public dynamic-schema in-memory view, hence this small one.
/// </summary>
internal sealed class RowsDataView(DataViewSchema schema, IReadOnlyList<object[]> rows) : IDataView
{
    public bool CanShuffle => false;

    public DataViewSchema Schema => schema;

    public long? GetRowCount() => rows.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    /// <summary>The schema of <paramref name="sources"/>' columns, with their saved annotations.</summary>
    public static DataViewSchema SchemaOf(IEnumerable<ColumnSource> sources)
    {
        var b = new DataViewSchema.Builder();
        foreach (var s in sources) b.AddColumn(s.Column.Name, s.Column.Type, s.Column.Annotations);
        return b.ToSchema();
    }

    private sealed class Cursor(RowsDataView view) : DataViewRowCursor
    {
        private int _at = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _at;

        public override long Batch => 0;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_at, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext() => ++_at < view.GetRowCount();

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int c = column.Index;
            if (column.Type is VectorDataViewType)
            {
                ValueGetter<TValue> vector = (ref TValue value) => value = Vector<TValue>(view.Rows[_at][c]);
                return vector;
            }
            return (ref TValue value) => value = (TValue)view.Rows[_at][c];
        }

        // TValue is VBuffer<T>; the array holds T.
        private static TValue Vector<TValue>(object array) => array switch
        {
            float[] f => (TValue)(object)new VBuffer<float>(f.Length, (float[])f.Clone()),
            double[] d => (TValue)(object)new VBuffer<double>(d.Length, (double[])d.Clone()),
            int[] i => (TValue)(object)new VBuffer<int>(i.Length, (int[])i.Clone()),
            long[] l => (TValue)(object)new VBuffer<long>(l.Length, (long[])l.Clone()),
            bool[] b => (TValue)(object)new VBuffer<bool>(b.Length, (bool[])b.Clone()),
            ReadOnlyMemory<char>[] t => (TValue)(object)new VBuffer<ReadOnlyMemory<char>>(t.Length, (ReadOnlyMemory<char>[])t.Clone()),
            _ => throw new InvalidOperationException($"Unexpected vector storage {array.GetType()}."),
        };
    }

    private IReadOnlyList<object[]> Rows => rows;
}
