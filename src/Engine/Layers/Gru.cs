namespace MlNetDeep.Engine.Layers;

/// <summary>
/// GRU in ONNX's linear_before_reset = 1 form (PyTorch, cuDNN), gate blocks z, r, h:
/// z = σ(W_z x + Wb_z + R_z h + Rb_z), r = σ(W_r x + Wb_r + R_r h + Rb_r), h̃ = tanh(W_h x + Wb_h + r ⊙ (R_h h + Rb_h)),
/// h_t = (1 − z) ⊙ h̃ + z ⊙ h_{t−1}; W (dirs, 3H, in), R (dirs, 3H, H), bias (dirs, 6H). Exported as ONNX GRU.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.RecurrentExporter</c> (src/Onnx/Export/Layers/RecurrentExporter.cs).</remarks>
internal sealed class Gru : RecurrentLayer
{
    /// <summary>Creates the layer; see <see cref="RecurrentLayer"/> for initialisation.</summary>
    /// <param name="inputSize">Input features I.</param>
    /// <param name="hiddenSize">Hidden size H.</param>
    /// <param name="rng">Seeded generator for the weights and dropout masks.</param>
    /// <param name="numberOfLayers">Stacked layers.</param>
    /// <param name="bidirectional">Add a reverse direction.</param>
    /// <param name="dropoutBetweenLayers">Dropout between stacked layers while training.</param>
    public Gru(int inputSize, int hiddenSize, Rng rng, int numberOfLayers = 1, bool bidirectional = false, float dropoutBetweenLayers = 0f)
        : base(RecurrentCellKind.Gru, inputSize, hiddenSize, rng, numberOfLayers, bidirectional, dropoutBetweenLayers, RnnActivation.Tanh)
    {
    }

    /// <summary>Runs the layer from initial state <paramref name="initialHidden"/>.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, T, I)</param>
    /// <param name="lengths">[B] valid steps in [1, T], or null for all T.</param>
    /// <param name="initialHidden">(layers·dirs, B, H), or null for zeros.</param>
    /// <returns>Output (B, T, dirs·H); FinalHidden (layers·dirs, B, H); FinalCell null.</returns>
    public RecurrentOutput Forward(Tape tape, Tensor x, int[]? lengths, Tensor? initialHidden) => ForwardCore(tape, x, lengths, initialHidden, null);
}
