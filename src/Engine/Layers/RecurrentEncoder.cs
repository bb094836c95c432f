namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Encodes a fixed-length sequence given as a flat feature vector: (B, T·F) → reshape (B, T, F) → recurrent layer →
/// the final hidden state of the last stacked layer, both directions concatenated: (B, dirs·H).
/// Used for windows of a numeric series (forecasting) and numeric sequence classification.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.RecurrentEncoderExporter</c> (src/Onnx/Export/Layers/RecurrentEncoderExporter.cs).</remarks>
internal sealed class RecurrentEncoder : Module
{
    /// <summary>Creates the encoder.</summary>
    /// <param name="recurrent">The recurrent layer; its input size must equal <paramref name="featuresPerStep"/>.</param>
    /// <param name="steps">T, time steps per row.</param>
    /// <param name="featuresPerStep">F, values per time step (row-major: step after step).</param>
    public RecurrentEncoder(RecurrentLayer recurrent, int steps, int featuresPerStep)
    {
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Must be positive.");
        if (featuresPerStep != recurrent.InputSize)
            throw new ArgumentException($"The recurrent layer reads {recurrent.InputSize} features per step, not {featuresPerStep}.", nameof(featuresPerStep));
        Recurrent = recurrent;
        Steps = steps;
        FeaturesPerStep = featuresPerStep;
    }

    /// <summary>The recurrent layer.</summary>
    public RecurrentLayer Recurrent { get; }

    /// <summary>T</summary>
    public int Steps { get; }

    /// <summary>F</summary>
    public int FeaturesPerStep { get; }

    /// <summary>dirs·H, the encoding size.</summary>
    public int OutputSize => Recurrent.Directions * Recurrent.HiddenSize;

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children => [Recurrent];

    /// <summary>(B, T·F) → (B, dirs·H)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, T·F)</param>
    public override Tensor Forward(Tape tape, Tensor x)
    {
        int b = x.Shape[0];
        if (x.Length != b * Steps * FeaturesPerStep)
            throw new ArgumentException($"RecurrentEncoder expects (B, {Steps * FeaturesPerStep}), got {x}.", nameof(x));
        var sequence = Ops.Reshape(tape, x, b, Steps, FeaturesPerStep);
        return Recurrent.LastLayerFinalHidden(tape, Recurrent.Forward(tape, sequence, null));
    }
}
