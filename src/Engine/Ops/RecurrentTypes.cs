namespace MlNetDeep.Engine;

/// <summary>
/// The recurrent cell of <see cref="Ops.Recurrent"/>. Weights are stored in ONNX layout and gate order
/// (so export is a copy). Dimension letters: src/Engine/Kernels/Recurrent/README.md.
/// </summary>
/// <remarks>
/// Per direction: W (G·H, I), R (G·H, H), bias (2·G·H) = Wb | Rb; x_t (I), h_{t−1} (H); σ is the logistic sigmoid.
/// <list type="bullet">
/// <item><description><see cref="Rnn"/> (G = 1): h_t = act(W x_t + Wb + R h_{t−1} + Rb), act tanh or ReLU.</description></item>
/// <item><description><see cref="Lstm"/> (G = 4, blocks <b>i, o, f, c</b>): i = σ(·), o = σ(·), f = σ(·), c̃ = tanh(·) where
/// (·) = W_g x_t + Wb_g + R_g h_{t−1} + Rb_g; c_t = f ⊙ c_{t−1} + i ⊙ c̃; h_t = o ⊙ tanh(c_t).</description></item>
/// <item><description><see cref="Gru"/> (G = 3, blocks <b>z, r, h</b>, ONNX linear_before_reset = 1, PyTorch/cuDNN form):
/// z = σ(W_z x_t + Wb_z + R_z h_{t−1} + Rb_z), r = σ(W_r x_t + Wb_r + R_r h_{t−1} + Rb_r),
/// h̃ = tanh(W_h x_t + Wb_h + r ⊙ (R_h h_{t−1} + Rb_h)), h_t = (1 − z) ⊙ h̃ + z ⊙ h_{t−1}.</description></item>
/// </list>
/// </remarks>
public enum RecurrentCellKind
{
    /// <summary>Elman RNN, one gate block (ONNX RNN).</summary>
    Rnn,

    /// <summary>LSTM, four gate blocks in ONNX order i, o, f, c (ONNX LSTM without peepholes).</summary>
    Lstm,

    /// <summary>GRU, three gate blocks in ONNX order z, r, h, linear_before_reset = 1 (ONNX GRU).</summary>
    Gru,
}

/// <summary>Activation of the plain <see cref="RecurrentCellKind.Rnn"/> cell (ONNX RNN <c>activations</c>).</summary>
public enum RnnActivation
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
public sealed record RecurrentOutput(Tensor Output, Tensor FinalHidden, Tensor? FinalCell);

public static partial class Ops
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
