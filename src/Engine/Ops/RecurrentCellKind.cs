namespace MlNetDeep;

/// <summary>
/// The recurrent cell of a recurrent network (the same cells as ONNX's RNN, LSTM and GRU operators and PyTorch's nn.RNN,
/// nn.LSTM and nn.GRU). Weights are stored in ONNX layout and gate order, so export is a copy.
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
