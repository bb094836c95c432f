using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// One ONNX output of a batch: keeps the values of the output tensor [B, …] and serves row r's slice (its
/// size = tensor length / B) as the vector column OnnxTransformer would give for that row alone.
/// </summary>
internal abstract class BatchOutput
{
    /// <summary>The ONNX output's name.</summary>
    public abstract string Name { get; }

    /// <summary>Copies the output of a batch of <paramref name="count"/> rows.</summary>
    public abstract void Take(OrtValue value, int count);

    /// <summary>Copies the output of slot <paramref name="slot"/> scored alone (a batch whose call failed is scored again row by row).</summary>
    public abstract void TakeRow(OrtValue value, int slot);

    /// <summary>A getter of the row in slot <paramref name="slot"/>() as <typeparamref name="TValue"/> (must be the column's raw type).</summary>
    public abstract ValueGetter<TValue> Getter<TValue>(Func<int> slot);

    /// <summary>Makes the output for <paramref name="plan"/>.</summary>
    public static BatchOutput Create(OutputPlan plan) =>
        (BatchOutput)Activator.CreateInstance(typeof(BatchOutput<>).MakeGenericType(plan.ElementType), plan)!;
}

/// <summary><see cref="BatchOutput"/> of element type <typeparamref name="T"/> (Single scores, Int64 indices).</summary>
internal sealed class BatchOutput<T> : BatchOutput where T : unmanaged
{
    private readonly OutputPlan _plan;
    private readonly int _columnSize; // the column's vector size, 0 when it varies
    private T[] _data = [];
    private int _rowSize;

    public BatchOutput(OutputPlan plan)
    {
        _plan = plan;
        _columnSize = ((VectorDataViewType)plan.Column.Type).Size;
    }

    public override string Name => _plan.Name;

    public override void Take(OrtValue value, int count)
    {
        long[] shape = value.GetTensorTypeAndShape().Shape;
        var values = value.GetTensorDataAsSpan<T>();
        if (shape.Length == 0 || shape[0] != count || values.Length % count != 0)
            throw new InvalidOperationException($"ONNX output '{_plan.Name}' has shape [{string.Join(", ", shape)}] for a batch of {count} rows; " +
                $"BatchScorer expects the batch first.");
        _rowSize = values.Length / count;
        if (_columnSize != 0 && _rowSize != _columnSize)
            throw new InvalidOperationException($"ONNX output '{_plan.Name}' has {_rowSize} values per row; its column {_plan.Column.Type} holds {_columnSize}.");
        if (_data.Length < values.Length) _data = new T[values.Length];
        values.CopyTo(_data);
    }

    public override void TakeRow(OrtValue value, int slot)
    {
        long[] shape = value.GetTensorTypeAndShape().Shape;
        var values = value.GetTensorDataAsSpan<T>();
        if (shape.Length == 0 || shape[0] != 1)
            throw new InvalidOperationException($"ONNX output '{_plan.Name}' has shape [{string.Join(", ", shape)}] for one row; BatchScorer expects the batch first.");
        if (slot > 0 && values.Length != _rowSize)
            throw new InvalidOperationException($"ONNX output '{_plan.Name}' has {values.Length} values for a row, {_rowSize} for the rows before it.");
        if (_columnSize != 0 && values.Length != _columnSize)
            throw new InvalidOperationException($"ONNX output '{_plan.Name}' has {values.Length} values per row; its column {_plan.Column.Type} holds {_columnSize}.");
        _rowSize = values.Length;
        int needed = (slot + 1) * _rowSize;
        if (_data.Length < needed) Array.Resize(ref _data, Math.Max(needed, _data.Length * 2));
        values.CopyTo(_data.AsSpan(slot * _rowSize));
    }

    public override ValueGetter<TValue> Getter<TValue>(Func<int> slot)
    {
        if (typeof(TValue) != typeof(VBuffer<T>))
            throw new InvalidOperationException($"Column '{_plan.Name}' is {_plan.Column.Type} (read as VBuffer<{typeof(T).Name}>), not {typeof(TValue).Name}.");
        ValueGetter<VBuffer<T>> getter = (ref VBuffer<T> dst) =>
        {
            var editor = VBufferEditor.Create(ref dst, _rowSize);
            _data.AsSpan(slot() * _rowSize, _rowSize).CopyTo(editor.Values);
            dst = editor.Commit();
        };
        return (ValueGetter<TValue>)(Delegate)getter;
    }
}
