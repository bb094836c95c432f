namespace MlNetDeep.Engine.Layers;

/// <summary>
/// LSTM without peepholes, gate blocks in ONNX order i, o, f, c: i, o, f = σ(W_g x + Wb_g + R_g h + Rb_g),
/// c̃ = tanh(W_c x + Wb_c + R_c h + Rb_c), c_t = f ⊙ c_{t−1} + i ⊙ c̃, h_t = o ⊙ tanh(c_t);
/// W (dirs, 4H, in), R (dirs, 4H, H), bias (dirs, 8H). Forget-gate bias starts at 1. Exported as ONNX LSTM.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.RecurrentExporter</c> (src/Onnx/Export/Layers/RecurrentExporter.cs).</remarks>
internal sealed class Lstm : RecurrentLayer
{
    /// <summary>Creates the layer; see <see cref="RecurrentLayer"/> for initialisation.</summary>
    /// <param name="inputSize">Input features I.</param>
    /// <param name="hiddenSize">Hidden size H.</param>
    /// <param name="rng">Seeded generator for the weights and dropout masks.</param>
    /// <param name="numberOfLayers">Stacked layers.</param>
    /// <param name="bidirectional">Add a reverse direction.</param>
    /// <param name="dropoutBetweenLayers">Dropout between stacked layers while training.</param>
    public Lstm(int inputSize, int hiddenSize, Rng rng, int numberOfLayers = 1, bool bidirectional = false, float dropoutBetweenLayers = 0f)
        : base(RecurrentCellKind.Lstm, inputSize, hiddenSize, rng, numberOfLayers, bidirectional, dropoutBetweenLayers, RnnActivation.Tanh)
    {
    }

    /// <summary>Runs the layer from initial states <paramref name="initialHidden"/> and <paramref name="initialCell"/>.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, T, I)</param>
    /// <param name="lengths">[B] valid steps in [1, T], or null for all T.</param>
    /// <param name="initialHidden">(layers·dirs, B, H), or null for zeros.</param>
    /// <param name="initialCell">(layers·dirs, B, H), or null for zeros.</param>
    /// <returns>Output (B, T, dirs·H); FinalHidden and FinalCell (layers·dirs, B, H).</returns>
    public RecurrentOutput Forward(Tape tape, Tensor x, int[]? lengths, Tensor? initialHidden, Tensor? initialCell) =>
        ForwardCore(tape, x, lengths, initialHidden, initialCell);
}
