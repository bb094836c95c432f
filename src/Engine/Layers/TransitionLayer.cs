namespace MlNetDeep.Engine.Layers;

/// <summary>
/// DenseNet transition between dense blocks: BN → ReLU → conv1×1 (no bias) → average pool 2×2 stride 2,
/// (B, C, H, W) → (B, O, ⌊H/2⌋, ⌊W/2⌋). The paper's text says "batch normalization and a 1×1 convolution followed by a
/// 2×2 average pooling"; its reference code and torchvision put a ReLU after the BN (pre-activation, as in every
/// <see cref="DenseNetLayer"/>), and so does this layer. With compression θ, O = ⌊θ·C⌋ (the caller chooses O).
/// </summary>
/// <remarks>Children in forward order: Norm, Relu, Conv, Pool; exported to ONNX as their nodes in that order by
/// <c>MlNetDeep.Onnx.Export.ChainExporter</c> (src/Onnx/Export/Layers/ChainExporter.cs).</remarks>
internal sealed class TransitionLayer : Module
{
    private readonly Module[] _children;

    /// <summary>Creates the layer; the convolution is He-uniform initialised from <paramref name="rng"/>, BatchNorm γ = 1, β = 0.</summary>
    /// <param name="inChannels">C</param>
    /// <param name="outChannels">O</param>
    /// <param name="rng">Seeded generator for the convolution weights.</param>
    public TransitionLayer(int inChannels, int outChannels, Rng rng)
    {
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "Must be positive.");
        if (outChannels <= 0) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, "Must be positive.");
        InChannels = inChannels;
        OutChannels = outChannels;
        Norm = new BatchNorm(inChannels);
        Relu = new Activation(ActivationKind.Relu);
        Conv = new Conv2d(inChannels, outChannels, 1, rng, bias: false);
        Pool = new AvgPool2d(2);
        _children = [Norm, Relu, Conv, Pool];
    }

    /// <summary>C</summary>
    public int InChannels { get; }

    /// <summary>O</summary>
    public int OutChannels { get; }

    /// <summary>BatchNorm over the C input channels.</summary>
    public BatchNorm Norm { get; }

    /// <summary>The ReLU between <see cref="Norm"/> and <see cref="Conv"/>.</summary>
    public Activation Relu { get; }

    /// <summary>1×1, C → O, no bias.</summary>
    public Conv2d Conv { get; }

    /// <summary>Average pool 2×2, stride 2, no padding.</summary>
    public AvgPool2d Pool { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children => _children;

    /// <summary>(B, C, H, W) → (B, O, ⌊H/2⌋, ⌊W/2⌋)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, H, W)</param>
    public override Tensor Forward(Tape tape, Tensor x)
    {
        foreach (var child in _children) x = child.Forward(tape, x);
        return x;
    }
}
