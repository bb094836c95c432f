namespace MlNetDeep.Engine.Layers;

/// <summary>
/// One DenseNet composite function H (Huang et al. 2017, §3; no 1×1 bottleneck): BN → ReLU → conv3×3 (padding 1, no bias),
/// (B, C, H, W) → (B, k, H, W) with k the growth rate. <see cref="DenseBlock"/> feeds it the concatenation of all earlier maps.
/// </summary>
/// <remarks>Children in forward order: Norm, Relu, Conv; exported to ONNX as their nodes in that order by
/// <c>MlNetDeep.Onnx.Export.ChainExporter</c> (src/Onnx/Export/Layers/ChainExporter.cs).</remarks>
internal sealed class DenseNetLayer : Module
{
    private readonly Module[] _children;

    /// <summary>Creates the layer; the convolution is He-uniform initialised from <paramref name="rng"/>, BatchNorm γ = 1, β = 0.</summary>
    /// <param name="inChannels">C</param>
    /// <param name="growthRate">k, the number of maps produced.</param>
    /// <param name="rng">Seeded generator for the convolution weights.</param>
    public DenseNetLayer(int inChannels, int growthRate, Rng rng)
    {
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "Must be positive.");
        if (growthRate <= 0) throw new ArgumentOutOfRangeException(nameof(growthRate), growthRate, "Must be positive.");
        InChannels = inChannels;
        GrowthRate = growthRate;
        Norm = new BatchNorm(inChannels);
        Relu = new Activation(ActivationKind.Relu);
        Conv = new Conv2d(inChannels, growthRate, 3, rng, padding: 1, bias: false);
        _children = [Norm, Relu, Conv];
    }

    /// <summary>C</summary>
    public int InChannels { get; }

    /// <summary>k</summary>
    public int GrowthRate { get; }

    /// <summary>BatchNorm over the C input channels.</summary>
    public BatchNorm Norm { get; }

    /// <summary>The ReLU between <see cref="Norm"/> and <see cref="Conv"/>.</summary>
    public Activation Relu { get; }

    /// <summary>3×3, padding 1, C → k, no bias.</summary>
    public Conv2d Conv { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children => _children;

    /// <summary>(B, C, H, W) → (B, k, H, W)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, H, W)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Conv.Forward(tape, Relu.Forward(tape, Norm.Forward(tape, x)));
}
