namespace MlNetDeep.Engine;

/// <summary>
/// Recycles float buffers by exact length so that a training step allocates no new arrays once
/// the first step has warmed the pool up. Not thread-safe: one pool per training loop.
/// </summary>
internal sealed class TensorPool
{
    private readonly Dictionary<int, Stack<float[]>> _free = new();
    private readonly List<float[]> _rented = new();

    /// <summary>Rents a tensor of the given shape. Its contents are zero when <paramref name="clear"/> is true, else undefined.</summary>
    /// <param name="clear">Zero the elements.</param>
    /// <param name="shape">Dimensions.</param>
    public Tensor Rent(bool clear, params int[] shape)
    {
        int length = Tensor.ShapeLength(shape);
        float[] buffer;
        if (_free.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            buffer = stack.Pop();
            if (clear) Array.Clear(buffer);
        }
        else
        {
            buffer = new float[length];
        }
#if DEBUG
        // Contents are undefined unless cleared: debug builds (the test runs) poison them, so an op that reads a buffer
        // before writing all of it fails its tests instead of passing on the zeros of a new array.
        if (!clear) buffer.AsSpan().Fill(float.NaN);
#endif
        _rented.Add(buffer);
        return new Tensor(buffer, shape);
    }

    /// <summary>Returns every rented buffer to the pool. Tensors rented before this call must not be used again.</summary>
    public void ReturnAll()
    {
        foreach (var buffer in _rented)
        {
            if (!_free.TryGetValue(buffer.Length, out var stack)) _free[buffer.Length] = stack = new Stack<float[]>();
            stack.Push(buffer);
        }
        _rented.Clear();
    }
}
