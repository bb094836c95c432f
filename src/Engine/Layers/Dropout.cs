namespace MlNetDeep.Engine.Layers;

/// <summary>Inverted dropout: zeroes inputs with probability P while training and scales the rest by 1/(1−P); identity at inference.</summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.IdentityExporter</c> (src/Onnx/Export/Layers/IdentityExporter.cs).</remarks>
internal sealed class Dropout : Module
{
    private readonly Rng _rng;

    /// <inheritdoc/>
    public override IReadOnlyList<Rng> OwnGenerators => [_rng];

    /// <summary>Creates the layer.</summary>
    /// <param name="probability">Drop probability in [0, 1).</param>
    /// <param name="rng">Seeded source of masks.</param>
    public Dropout(float probability, Rng rng)
    {
        if (!(probability >= 0f && probability < 1f))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "Dropout probability must lie in [0, 1).");
        Probability = probability;
        _rng = rng;
    }

    /// <summary>Drop probability.</summary>
    public float Probability { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.Dropout(tape, x, Probability, IsTraining, _rng);
}
