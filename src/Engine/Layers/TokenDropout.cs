namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Word dropout: while training, each real token id (not the pad id) is replaced by the unknown-token id with
/// probability P, so the unknown token's embedding learns what "a word not seen in training" means instead of staying
/// an untrained vector that only appears at test time. Identity at inference (exported as nothing).
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.IdentityExporter</c> (src/Onnx/Export/Layers/IdentityExporter.cs).</remarks>
internal sealed class TokenDropout : Module
{
    private readonly Rng _rng;

    /// <inheritdoc/>
    public override IReadOnlyList<Rng> OwnGenerators => [_rng];

    /// <summary>Creates the layer.</summary>
    /// <param name="probability">Replacement probability in [0, 1).</param>
    /// <param name="unknownId">Id that replaces dropped tokens.</param>
    /// <param name="padId">Padding id, never replaced.</param>
    /// <param name="rng">Seeded source of the replacements.</param>
    public TokenDropout(float probability, int unknownId, int padId, Rng rng)
    {
        if (!(probability >= 0f && probability < 1f)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "Must lie in [0, 1).");
        Probability = probability;
        UnknownId = unknownId;
        PadId = padId;
        _rng = rng;
    }

    /// <summary>
    /// <paramref name="network"/> with word dropout as its first module, in one flat chain as the built-in text networks
    /// always were; <paramref name="network"/> itself when <paramref name="probability"/> is 0. The layer only keeps
    /// <paramref name="rng"/> (it draws while training), so adding it after building the network changes no weight.
    /// </summary>
    /// <param name="network">(B, T) ids → outputs.</param>
    /// <param name="probability">Replacement probability in [0, 1).</param>
    /// <param name="unknownId">Id that replaces dropped tokens.</param>
    /// <param name="padId">Padding id, never replaced.</param>
    /// <param name="rng">Seeded source of the replacements.</param>
    public static Sequential Before(Sequential network, float probability, int unknownId, int padId, Rng rng) =>
        probability > 0f ? new Sequential([new TokenDropout(probability, unknownId, padId, rng), .. network.Children]) : network;

    /// <summary>Replacement probability.</summary>
    public float Probability { get; }

    /// <summary>Id of the unknown token.</summary>
    public int UnknownId { get; }

    /// <summary>Id of the padding token.</summary>
    public int PadId { get; }

    /// <summary>(B, T) float-encoded ids → the same ids, some replaced while training. Ids carry no gradient.</summary>
    /// <param name="tape">Tape for allocation.</param>
    /// <param name="x">(B, T) token ids.</param>
    public override Tensor Forward(Tape tape, Tensor x)
    {
        if (!IsTraining || Probability == 0f) return x;
        var y = tape.Pool.Rent(false, x.Shape);
        var ids = x.Span; var output = y.Span;
        for (int i = 0; i < ids.Length; i++)
            output[i] = ids[i] != PadId && _rng.NextFloat() < Probability ? UnknownId : ids[i];
        return y;
    }
}
