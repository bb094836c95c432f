namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Attention of a decoder state over encoder outputs (<see cref="AttentionKind"/>): per decoding step,
/// query (B, Hd) and a <see cref="AttentionSource"/> prepared once per source batch → context (B, He) and weights (B, S).
/// The query is the decoder's current state (Luong); the additive kind uses the same query, so all three kinds share
/// one decoder step.
/// </summary>
/// <remarks>
/// Parameters: General W (He, Hd) without bias (<see cref="QueryProjection"/>); Additive W_q (A, Hd) without bias
/// (<see cref="QueryProjection"/>), W_k (A, He) with bias b (<see cref="KeyProjection"/>) and v (A) (<see cref="ScoreVector"/>).
/// Linear weights are Glorot uniform; v is U(±1/√A) (PyTorch's Linear default for a 1-output layer).
/// </remarks>
internal sealed class Attention : Module, IMultiInputModule
{
    /// <summary>Creates the attention and initialises its parameters.</summary>
    /// <param name="kind">Score function.</param>
    /// <param name="querySize">Hd, the decoder state size.</param>
    /// <param name="keySize">He, the encoder output size (dirs·H of the encoder).</param>
    /// <param name="rng">Seeded generator for the weights.</param>
    /// <param name="attentionSize">A, the hidden size of the additive score (ignored by the other kinds); default Hd.</param>
    public Attention(AttentionKind kind, int querySize, int keySize, Rng rng, int? attentionSize = null)
    {
        if (querySize <= 0) throw new ArgumentOutOfRangeException(nameof(querySize), querySize, "Must be positive.");
        if (keySize <= 0) throw new ArgumentOutOfRangeException(nameof(keySize), keySize, "Must be positive.");
        if (kind == AttentionKind.Dot && querySize != keySize)
            throw new ArgumentException($"Dot attention needs the decoder state size ({querySize}) to equal the encoder output size ({keySize}); use General or Additive.", nameof(kind));
        Kind = kind;
        QuerySize = querySize;
        KeySize = keySize;
        switch (kind)
        {
            case AttentionKind.General:
                QueryProjection = new Linear(querySize, keySize, rng, bias: false);
                break;
            case AttentionKind.Additive:
                int a = attentionSize ?? querySize;
                if (a <= 0) throw new ArgumentOutOfRangeException(nameof(attentionSize), attentionSize, "Must be positive.");
                QueryProjection = new Linear(querySize, a, rng, bias: false);
                KeyProjection = new Linear(keySize, a, rng);
                ScoreVector = Parameter.Create(a);
                Initializers.FillUniform(ScoreVector.Span, 1f / MathF.Sqrt(a), rng);
                break;
        }
        Children = new Module?[] { QueryProjection, KeyProjection }.OfType<Module>().ToArray();
    }

    /// <summary>Score function.</summary>
    public AttentionKind Kind { get; }

    /// <summary>Hd</summary>
    public int QuerySize { get; }

    /// <summary>He, also the context size.</summary>
    public int KeySize { get; }

    /// <summary>General: W (He, Hd); Additive: W_q (A, Hd); Dot: null.</summary>
    public Linear? QueryProjection { get; }

    /// <summary>Additive: W_k (A, He) with bias; otherwise null.</summary>
    public Linear? KeyProjection { get; }

    /// <summary>Additive: v (A); otherwise null.</summary>
    public Tensor? ScoreVector { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> OwnParameters => ScoreVector is null ? [] : [ScoreVector];

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children { get; }

    /// <summary>Attention needs a query and a prepared source: use <see cref="Prepare"/> and <see cref="Attend"/>.</summary>
    /// <param name="tape">Unused.</param>
    /// <param name="x">Unused.</param>
    public override Tensor Forward(Tape tape, Tensor x) =>
        throw new NotSupportedException("Attention takes a decoder state and encoder outputs: call Prepare once per source batch, then Attend per step.");

    /// <summary>Work done once per source batch: the key projection of the additive kind.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="encoderOutputs">(B, S, He)</param>
    /// <param name="lengths">[B] valid source positions (0 … S), or null for all S.</param>
    public AttentionSource Prepare(Tape tape, Tensor encoderOutputs, int[]? lengths)
    {
        if (encoderOutputs.Rank != 3 || encoderOutputs.Shape[2] != KeySize)
            throw new ArgumentException($"Attention expects encoder outputs (B, S, {KeySize}); got {encoderOutputs}.", nameof(encoderOutputs));
        var keys = encoderOutputs;
        if (KeyProjection is not null)
        {
            // (B, S, He) → (B, S, A)
            keys = Project(tape, KeyProjection, encoderOutputs);
        }
        return new AttentionSource(keys, encoderOutputs, lengths);
    }

    /// <summary>Attention of one or several queries per batch item.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="query">(B, Hd) one decoder state per item, or (B, Q, Hd) the states of Q steps.</param>
    /// <param name="source">From <see cref="Prepare"/>.</param>
    /// <returns>Context (B, He) or (B, Q, He) and weights (B, S) or (B, Q, S).</returns>
    public AttentionOutput Attend(Tape tape, Tensor query, AttentionSource source)
    {
        if (query.Rank is not (2 or 3) || query.Shape[^1] != QuerySize)
            throw new ArgumentException($"Attention expects a query (B, {QuerySize}) or (B, Q, {QuerySize}); got {query}.", nameof(query));
        var scores = Kind switch
        {
            AttentionKind.Dot => Ops.AttentionDotScores(tape, query, source.Keys),
            AttentionKind.General => Ops.AttentionDotScores(tape, Project(tape, QueryProjection!, query), source.Keys),
            _ => Ops.AttentionAdditiveScores(tape, Project(tape, QueryProjection!, query), source.Keys, ScoreVector!),
        };
        return Ops.AttentionContext(tape, scores, source.Values, source.Lengths);
    }

    /// <summary>A Linear over the last axis of (B, X) or (B, Q, X).</summary>
    private static Tensor Project(Tape tape, Linear linear, Tensor x)
    {
        if (x.Rank == 2) return linear.Forward(tape, x);
        int b = x.Shape[0], q = x.Shape[1];
        var flat = linear.Forward(tape, Ops.Reshape(tape, x, b * q, x.Shape[2]));
        return Ops.Reshape(tape, flat, b, q, linear.OutFeatures);
    }
}

/// <summary>Encoder outputs prepared for attention (valid on the tape that prepared them).</summary>
/// <param name="Keys">(B, S, He) for Dot/General, (B, S, A) projected keys for Additive.</param>
/// <param name="Values">(B, S, He) encoder outputs.</param>
/// <param name="Lengths">[B] valid source positions, or null for all.</param>
internal sealed record AttentionSource(Tensor Keys, Tensor Values, int[]? Lengths);
