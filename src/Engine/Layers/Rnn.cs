namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Elman RNN: h_t = act(W x_t + Wb + R h_{t−1} + Rb), act tanh (default) or ReLU; W (dirs, H, in), R (dirs, H, H),
/// bias (dirs, 2H). Exported as the ONNX RNN operator.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.RecurrentExporter</c> (src/Onnx/Export/Layers/RecurrentExporter.cs).</remarks>
internal sealed class Rnn : RecurrentLayer
{
    /// <summary>Creates the layer; see <see cref="RecurrentLayer"/> for initialisation.</summary>
    /// <param name="inputSize">Input features I.</param>
    /// <param name="hiddenSize">Hidden size H.</param>
    /// <param name="rng">Seeded generator for the weights and dropout masks.</param>
    /// <param name="numberOfLayers">Stacked layers.</param>
    /// <param name="bidirectional">Add a reverse direction.</param>
    /// <param name="dropoutBetweenLayers">Dropout between stacked layers while training.</param>
    /// <param name="activation">tanh (default) or ReLU.</param>
    public Rnn(int inputSize, int hiddenSize, Rng rng, int numberOfLayers = 1, bool bidirectional = false,
        float dropoutBetweenLayers = 0f, RnnActivation activation = RnnActivation.Tanh)
        : base(RecurrentCellKind.Rnn, inputSize, hiddenSize, rng, numberOfLayers, bidirectional, dropoutBetweenLayers, activation)
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
