namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Channel dropout (PyTorch Dropout2d; also serves as Dropout1d on (B, C, L)): while training zeroes whole feature maps
/// with probability P and scales the kept ones by 1/(1−P); identity at inference, so it exports to nothing.
/// See <see cref="Ops.ChannelDropout"/>.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.IdentityExporter</c> (src/Onnx/Export/Layers/IdentityExporter.cs).</remarks>
internal sealed class Dropout2d : Module
{
    private readonly Rng _rng;

    /// <inheritdoc/>
    public override IReadOnlyList<Rng> OwnGenerators => [_rng];

    /// <summary>Creates the layer.</summary>
    /// <param name="probability">Drop probability in [0, 1).</param>
    /// <param name="rng">Seeded source of masks.</param>
    public Dropout2d(float probability, Rng rng)
    {
        if (!(probability >= 0f && probability < 1f))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "Dropout probability must lie in [0, 1).");
        Probability = probability;
        _rng = rng;
    }

    /// <summary>Drop probability.</summary>
    public float Probability { get; }

    /// <summary>(B, C, …) → same shape.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, …)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.ChannelDropout(tape, x, Probability, IsTraining, _rng);
}
