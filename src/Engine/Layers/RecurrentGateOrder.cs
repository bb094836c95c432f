namespace MlNetDeep.Engine.Layers;

/// <summary>
/// The one gate-reorder function between PyTorch's and ONNX's (= the engine's) gate block order:
/// LSTM PyTorch i, f, g, o ↔ ONNX i, o, f, c; GRU PyTorch r, z, n ↔ ONNX z, r, h; RNN has one block (copy).
/// </summary>
internal static class RecurrentGateOrder
{
    /// <summary>
    /// Copies the G gate blocks of <paramref name="source"/> to <paramref name="destination"/> in the other order.
    /// Works for any tensor whose outer axis is G·H: weights (G·H, in), recurrent weights (G·H, H), one bias (G·H).
    /// For a combined ONNX bias (2·G·H) = Wb | Rb, call it on each half.
    /// </summary>
    /// <param name="cell">Cell kind (G blocks).</param>
    /// <param name="source">G equal blocks, in PyTorch order when <paramref name="toOnnx"/> is true, else in ONNX order.</param>
    /// <param name="destination">Same length as <paramref name="source"/>, must not overlap it.</param>
    /// <param name="toOnnx">True: PyTorch → ONNX (import); false: ONNX → PyTorch.</param>
    public static void Reorder(RecurrentCellKind cell, ReadOnlySpan<float> source, Span<float> destination, bool toOnnx)
    {
        // OnnxFromPyTorch[j] = the PyTorch block that becomes ONNX block j.
        int[] onnxFromPyTorch = cell switch
        {
            RecurrentCellKind.Lstm => [0, 3, 1, 2], // i←i, o←o, f←f, c←g
            RecurrentCellKind.Gru => [1, 0, 2],     // z←z, r←r, h←n
            RecurrentCellKind.Rnn => [0],
            _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "Unknown recurrent cell."),
        };
        int g = onnxFromPyTorch.Length;
        if (source.Length != destination.Length || source.Length % g != 0)
            throw new ArgumentException($"Source ({source.Length}) and destination ({destination.Length}) must have equal lengths divisible by {g}.");
        if (source.Overlaps(destination)) throw new ArgumentException("Source and destination must not overlap.", nameof(destination));
        int block = source.Length / g;
        for (int j = 0; j < g; j++)
        {
            int p = onnxFromPyTorch[j];
            if (toOnnx) source.Slice(p * block, block).CopyTo(destination.Slice(j * block, block));
            else source.Slice(j * block, block).CopyTo(destination.Slice(p * block, block));
        }
    }
}
