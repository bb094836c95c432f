using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// The values of one source column for the rows of the current batch. The ONNX stage reads B rows ahead of the row it
/// serves, so a column that passes through it (e.g. Label, or the features themselves) is copied per row while the
/// batch is read and served from here. Vectors are deep-copied (a getter may reuse its buffers); text is copied too
/// (a ReadOnlyMemory&lt;char&gt; may point into a buffer the source reuses).
/// </summary>
internal abstract class ColumnCache
{
    /// <summary>Copies the upstream cursor's current value into <paramref name="slot"/>.</summary>
    public abstract void Store(int slot);

    /// <summary>A getter of slot <paramref name="slot"/>() as <typeparamref name="TValue"/> (must be the column's raw type).</summary>
    public abstract ValueGetter<TValue> Getter<TValue>(Func<int> slot);

    /// <summary>Makes the cache of <paramref name="column"/> on <paramref name="upstream"/> for batches of up to <paramref name="capacity"/> rows.</summary>
    public static ColumnCache Create(DataViewRow upstream, DataViewSchema.Column column, int capacity)
    {
        Type raw = column.Type.RawType;
        Type cache = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(VectorCache<>).MakeGenericType(raw.GetGenericArguments()[0])
            : typeof(ValueCache<>).MakeGenericType(raw);
        return (ColumnCache)Activator.CreateInstance(cache, upstream, column, capacity)!;
    }

    /// <summary>The exception for a getter of the wrong type.</summary>
    protected static InvalidOperationException WrongType(DataViewSchema.Column column, Type asked) =>
        new($"Column '{column.Name}' is {column.Type} (read as {column.Type.RawType.Name}), not {asked.Name}.");

    /// <summary>A copy of text that no source buffer can change.</summary>
    protected static TItem Own<TItem>(TItem value) =>
        value is ReadOnlyMemory<char> text ? (TItem)(object)text.ToString().AsMemory() : value;
}

/// <summary>Cache of a scalar column (numbers, keys, text, anything not a vector).</summary>
internal sealed class ValueCache<T> : ColumnCache
{
    private readonly DataViewSchema.Column _column;
    private readonly ValueGetter<T> _source;
    private readonly T[] _values;

    public ValueCache(DataViewRow upstream, DataViewSchema.Column column, int capacity)
    {
        _column = column;
        _source = upstream.GetGetter<T>(column);
        _values = new T[capacity];
    }

    public override void Store(int slot)
    {
        T value = default!; // a fresh value each row: a getter may dispose or reuse what it is given
        _source(ref value);
        _values[slot] = Own(value);
    }

    public override ValueGetter<TValue> Getter<TValue>(Func<int> slot)
    {
        if (typeof(TValue) != typeof(T)) throw WrongType(_column, typeof(TValue));
        ValueGetter<T> getter = (ref T dst) => dst = _values[slot()];
        return (ValueGetter<TValue>)(Delegate)getter;
    }
}

/// <summary>Cache of a vector column.</summary>
internal sealed class VectorCache<TItem> : ColumnCache
{
    private static readonly bool IsText = typeof(TItem) == typeof(ReadOnlyMemory<char>);
    private readonly DataViewSchema.Column _column;
    private readonly ValueGetter<VBuffer<TItem>> _source;
    private readonly VBuffer<TItem>[] _values;
    private VBuffer<TItem> _read;

    public VectorCache(DataViewRow upstream, DataViewSchema.Column column, int capacity)
    {
        _column = column;
        _source = upstream.GetGetter<VBuffer<TItem>>(column);
        _values = new VBuffer<TItem>[capacity];
    }

    public override void Store(int slot)
    {
        _source(ref _read);
        _read.CopyTo(ref _values[slot]);
        if (!IsText) return;
        var editor = VBufferEditor.CreateFromBuffer(ref _values[slot]);
        for (int i = 0; i < editor.Values.Length; i++) editor.Values[i] = Own(editor.Values[i]);
    }

    public override ValueGetter<TValue> Getter<TValue>(Func<int> slot)
    {
        if (typeof(TValue) != typeof(VBuffer<TItem>)) throw WrongType(_column, typeof(TValue));
        ValueGetter<VBuffer<TItem>> getter = (ref VBuffer<TItem> dst) => _values[slot()].CopyTo(ref dst);
        return (ValueGetter<TValue>)(Delegate)getter;
    }
}
