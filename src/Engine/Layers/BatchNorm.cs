namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Batch normalisation over the channel axis 1 of (B, C, …): BatchNorm1d for (B, F) features and BatchNorm2d
/// for (B, C, H, W) maps. Learns γ (init 1) and β (init 0); keeps running mean (init 0) and variance (init 1)
/// that inference uses, exactly as ONNX BatchNormalization does.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.BatchNormExporter</c> (src/Onnx/Export/Layers/BatchNormExporter.cs).</remarks>
internal sealed class BatchNorm : Module
{
    /// <summary>Default ε (PyTorch's; exported explicitly because Keras uses 1e-3).</summary>
    public const float DefaultEpsilon = 1e-5f;

    /// <summary>Default momentum of the running averages (PyTorch's 0.1).</summary>
    public const float DefaultMomentum = 0.1f;

    /// <summary>Creates the layer.</summary>
    /// <param name="channels">C, the size of axis 1.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="momentum">Weight of each new batch in the running averages, in (0, 1].</param>
    public BatchNorm(int channels, float epsilon = DefaultEpsilon, float momentum = DefaultMomentum)
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Must be positive.");
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Must be positive.");
        if (!(momentum > 0f && momentum <= 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Must lie in (0, 1].");
        Channels = channels;
        Epsilon = epsilon;
        Momentum = momentum;
        Gamma = Parameter.Create(channels);
        Gamma.Span.Fill(1f);
        Beta = Parameter.Create(channels);
        RunningMean = Tensor.Zeros(channels);
        RunningVar = Tensor.Zeros(channels);
        RunningVar.Span.Fill(1f);
    }

    /// <summary>C</summary>
    public int Channels { get; }

    /// <summary>ε added to the variance.</summary>
    public float Epsilon { get; }

    /// <summary>Running-average momentum.</summary>
    public float Momentum { get; }

    /// <summary>(C) learnable scale γ.</summary>
    public Tensor Gamma { get; }

    /// <summary>(C) learnable shift β.</summary>
    public Tensor Beta { get; }

    /// <summary>(C) running mean used at inference.</summary>
    public Tensor RunningMean { get; }

    /// <summary>(C) running (unbiased) variance used at inference.</summary>
    public Tensor RunningVar { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> OwnParameters => [Gamma, Beta];

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> OwnBuffers => [RunningMean, RunningVar];

    /// <inheritdoc/>
    public override Tensor Forward(Tape tape, Tensor x) =>
        Ops.BatchNorm(tape, x, Gamma, Beta, RunningMean, RunningVar, IsTraining, Momentum, Epsilon);

    /// <summary>ReLU(this layer's output) in one fused pass (blocks whose BN is followed by a ReLU use it).</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, …)</param>
    internal Tensor ForwardRelu(Tape tape, Tensor x) =>
        Ops.BatchNormRelu(tape, x, Gamma, Beta, RunningMean, RunningVar, IsTraining, Momentum, Epsilon);
}
