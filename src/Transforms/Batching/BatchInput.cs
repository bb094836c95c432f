using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// One ONNX input of a batch: reads the input column of each upstream row into its slot, then makes the batch tensor
/// [B, …] (see <see cref="InputLayout"/>). One per cursor; its buffers are reused from batch to batch.
/// </summary>
internal abstract class BatchInput
{
    /// <summary>The ONNX input's name.</summary>
    public abstract string Name { get; }

    /// <summary>Reads the upstream cursor's current row into <paramref name="slot"/>.</summary>
    public abstract void Read(int slot);

    /// <summary>The tensor of slots 0 … <paramref name="count"/> − 1 (valid until the next <see cref="Read"/>; dispose it after Run).</summary>
    public abstract OrtValue Tensor(int count);

    /// <summary>The tensor [1, …] of slot <paramref name="slot"/> alone, as ApplyOnnxModel sends that row (valid until the next call; dispose it after Run).</summary>
    public abstract OrtValue RowTensor(int slot);

    /// <summary>Makes the reader of <paramref name="plan"/>'s column on <paramref name="upstream"/>, for batches of up to <paramref name="capacity"/> rows.</summary>
    public static BatchInput Create(InputPlan plan, DataViewRow upstream, int capacity) =>
        (BatchInput)Activator.CreateInstance(typeof(BatchInput<>).MakeGenericType(plan.ElementType), plan, upstream, capacity)!;
}

/// <summary><see cref="BatchInput"/> of element type <typeparamref name="T"/> (the column's raw item type: Single, or UInt32 for keys).</summary>
internal sealed class BatchInput<T> : BatchInput where T : unmanaged
{
    private readonly InputPlan _plan;
    private readonly ValueGetter<VBuffer<T>>? _vector;
    private readonly ValueGetter<T>? _scalar;
    private readonly int _rowSize; // product of the known non-batch dimensions
    private readonly VBuffer<T>[] _rows; // variable-length rows (PaddedKeys, PerRow), copied
    private T[] _data; // the batch tensor's values
    private T[] _single = []; // one variable-length row's values, for RowTensor
    private VBuffer<T> _read;

    public BatchInput(InputPlan plan, DataViewRow upstream, int capacity)
    {
        _plan = plan;
        if (plan.Column.Type is VectorDataViewType) _vector = upstream.GetGetter<VBuffer<T>>(plan.Column);
        else _scalar = upstream.GetGetter<T>(plan.Column);
        _rowSize = plan.Dimensions.Where(d => d > 0).Aggregate(1, (a, d) => checked(a * d));
        _rows = plan.Layout == InputLayout.Fixed ? [] : new VBuffer<T>[capacity];
        _data = plan.Layout == InputLayout.Fixed ? new T[checked(capacity * _rowSize)] : [];
    }

    public override string Name => _plan.Name;

    public override void Read(int slot)
    {
        if (_scalar is not null)
        {
            if (_plan.Layout == InputLayout.Fixed && _rowSize == 1) { _scalar(ref _data[slot]); return; }
            T value = default;
            _scalar(ref value);
            _read = new VBuffer<T>(1, [value]);
        }
        else _vector!(ref _read);

        if (_plan.Layout == InputLayout.Fixed)
        {
            if (_read.Length != _rowSize)
                throw new InvalidOperationException($"Column '{_plan.Name}' has {_read.Length} values in a row; its ONNX input takes " +
                    $"[N, {string.Join(", ", _plan.Dimensions)}], i.e. {_rowSize} values per row.");
            Densify(_read, _data.AsSpan(slot * _rowSize, _rowSize));
        }
        else _read.CopyTo(ref _rows[slot]);
    }

    public override OrtValue Tensor(int count)
    {
        long[] shape;
        int length;
        switch (_plan.Layout)
        {
            case InputLayout.Fixed:
                shape = [count, .. _plan.Dimensions.Select(d => (long)d)];
                length = count * _rowSize;
                break;
            case InputLayout.PaddedKeys:
            {
                // [B, S_max]: each row's keys, then the pad id up to S_max.
                int width = 0;
                for (int r = 0; r < count; r++) width = Math.Max(width, _rows[r].Length);
                length = checked(count * width);
                Grow(length);
                T pad = (T)(object)_plan.PadKey; // PaddedKeys implies T = UInt32
                for (int r = 0; r < count; r++)
                {
                    var row = _data.AsSpan(r * width, width);
                    Densify(_rows[r], row[.._rows[r].Length]);
                    row[_rows[r].Length..].Fill(pad);
                }
                shape = [count, width];
                break;
            }
            default:
                // One row per call.
                if (count != 1) throw new InvalidOperationException($"ONNX input '{_plan.Name}' is scored one row per call, not {count}.");
                return RowTensor(0);
        }
        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _data.AsMemory(0, length), shape);
    }

    public override OrtValue RowTensor(int slot)
    {
        if (_plan.Layout == InputLayout.Fixed)
            return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _data.AsMemory(slot * _rowSize, _rowSize),
                [1, .. _plan.Dimensions.Select(d => (long)d)]);
        // The row's own values, [1, d₁, …] with the symbolic dimension taken from its length (no padding, as ApplyOnnxModel).
        int values = _rows[slot].Length;
        if (values % _rowSize != 0)
            throw new InvalidOperationException($"Column '{_plan.Name}' has {values} values in a row, not a multiple of the {_rowSize} " +
                $"its ONNX input's known dimensions [{string.Join(", ", _plan.Dimensions)}] take.");
        if (_single.Length < values) _single = new T[Math.Max(values, _single.Length * 2)];
        Densify(_rows[slot], _single.AsSpan(0, values));
        long[] shape = [1, .. _plan.Dimensions.Select(d => d > 0 ? d : (long)(values / _rowSize))];
        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _single.AsMemory(0, values), shape);
    }

    private void Grow(int length)
    {
        if (_data.Length < length) _data = new T[Math.Max(length, _data.Length * 2)];
    }

    /// <summary>Writes <paramref name="source"/> densely into <paramref name="destination"/> (its length).</summary>
    private static void Densify(in VBuffer<T> source, Span<T> destination)
    {
        var values = source.GetValues();
        if (source.IsDense)
        {
            values.CopyTo(destination);
            return;
        }
        destination.Clear();
        var indices = source.GetIndices();
        for (int i = 0; i < values.Length; i++) destination[indices[i]] = values[i];
    }
}
