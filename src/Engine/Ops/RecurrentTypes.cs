namespace MlNetDeep.Engine;

/// <summary>Activation of the plain <see cref="RecurrentCellKind.Rnn"/> cell (ONNX RNN <c>activations</c>).</summary>
internal enum RnnActivation
{
    /// <summary>tanh (the ONNX and PyTorch default).</summary>
    Tanh,

    /// <summary>max(0, ·).</summary>
    Relu,
}

/// <summary>Typed result of a recurrent op or layer.</summary>
/// <param name="Output">(B, T, dirs·H): hidden state at every step, forward direction in features [0, H), reverse in [H, 2H);
/// zero at steps t ≥ length of the sequence.</param>
/// <param name="FinalHidden">(layers·dirs, B, H) from a layer, (dirs, B, H) from <see cref="Ops.Recurrent"/>; PyTorch's h_n order (layer-major, forward then reverse): the state after
/// the last valid step of each sequence (for the reverse direction, after step t = 0).</param>
/// <param name="FinalCell">Same shape as <paramref name="FinalHidden"/> for LSTM (the cell state c), null otherwise.</param>
internal sealed record RecurrentOutput(Tensor Output, Tensor FinalHidden, Tensor? FinalCell);

internal static partial class Ops
{
    /// <summary>Number of gate blocks G of a cell: RNN 1, LSTM 4, GRU 3.</summary>
    /// <param name="cell">Cell kind.</param>
    public static int GateCount(RecurrentCellKind cell) => cell switch
    {
        RecurrentCellKind.Rnn => 1,
        RecurrentCellKind.Lstm => 4,
        RecurrentCellKind.Gru => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "Unknown recurrent cell."),
    };
}
