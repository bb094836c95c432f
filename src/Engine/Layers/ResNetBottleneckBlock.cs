namespace MlNetDeep.Engine.Layers;

/// <summary>
/// ResNet bottleneck block (He et al. 2016, Fig. 5 right; torchvision Bottleneck, stride on the 3×3 as in ResNet v1.5):
/// (B, C, H, W) → (B, M·e, Ho, Wo) with M bottleneck channels and expansion e. F(x) = BN(conv1×1(ReLU(BN(conv3×3ₛ(ReLU(BN(conv1×1(x)))))))),
/// output ReLU(F(x) + shortcut(x)). The 3×3 convolution has stride s and padding 1 (Ho = ⌊(H − 1)/s⌋ + 1); no convolution
/// has a bias. The shortcut is the identity when s = 1 and C = M·e, otherwise conv1×1ₛ (no bias) → BN.
/// </summary>
/// <remarks>
/// Children in forward order: Conv1, Bn1, Conv2, Bn2, Conv3, Bn3, then ShortcutConv and ShortcutBn when projecting.
/// Exported to ONNX as the children's nodes plus Add and Relu.
/// </remarks>
public sealed class ResNetBottleneckBlock : Module
{
    /// <summary>Default expansion e of the last 1×1 convolution (the paper's 4).</summary>
    public const int DefaultExpansion = 4;

    private readonly Module[] _children;

    /// <summary>Creates the block; convolutions are He-uniform initialised from <paramref name="rng"/>, BatchNorm γ = 1, β = 0.</summary>
    /// <param name="inChannels">C</param>
    /// <param name="bottleneckChannels">M, the width of the 1×1 reduction and the 3×3 convolution.</param>
    /// <param name="stride">s, applied by the 3×3 convolution and the projection.</param>
    /// <param name="rng">Seeded generator for the convolution weights.</param>
    /// <param name="expansion">e: the block outputs M·e channels.</param>
    public ResNetBottleneckBlock(int inChannels, int bottleneckChannels, int stride, Rng rng, int expansion = DefaultExpansion)
    {
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "Must be positive.");
        if (bottleneckChannels <= 0) throw new ArgumentOutOfRangeException(nameof(bottleneckChannels), bottleneckChannels, "Must be positive.");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, "Must be positive.");
        if (expansion <= 0) throw new ArgumentOutOfRangeException(nameof(expansion), expansion, "Must be positive.");
        InChannels = inChannels;
        BottleneckChannels = bottleneckChannels;
        Expansion = expansion;
        OutChannels = bottleneckChannels * expansion;
        Stride = stride;
        Conv1 = new Conv2d(inChannels, bottleneckChannels, 1, rng, bias: false);
        Bn1 = new BatchNorm(bottleneckChannels);
        Conv2 = new Conv2d(bottleneckChannels, bottleneckChannels, 3, rng, stride: stride, padding: 1, bias: false);
        Bn2 = new BatchNorm(bottleneckChannels);
        Conv3 = new Conv2d(bottleneckChannels, OutChannels, 1, rng, bias: false);
        Bn3 = new BatchNorm(OutChannels);
        if (stride != 1 || inChannels != OutChannels)
        {
            ShortcutConv = new Conv2d(inChannels, OutChannels, 1, rng, stride: stride, bias: false);
            ShortcutBn = new BatchNorm(OutChannels);
            _children = [Conv1, Bn1, Conv2, Bn2, Conv3, Bn3, ShortcutConv, ShortcutBn];
        }
        else _children = [Conv1, Bn1, Conv2, Bn2, Conv3, Bn3];
    }

    /// <summary>C</summary>
    public int InChannels { get; }

    /// <summary>M</summary>
    public int BottleneckChannels { get; }

    /// <summary>e</summary>
    public int Expansion { get; }

    /// <summary>M·e</summary>
    public int OutChannels { get; }

    /// <summary>s</summary>
    public int Stride { get; }

    /// <summary>1×1, C → M, no bias.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>BatchNorm over M channels after <see cref="Conv1"/>.</summary>
    public BatchNorm Bn1 { get; }

    /// <summary>3×3, stride s, padding 1, M → M, no bias.</summary>
    public Conv2d Conv2 { get; }

    /// <summary>BatchNorm over M channels after <see cref="Conv2"/>.</summary>
    public BatchNorm Bn2 { get; }

    /// <summary>1×1, M → M·e, no bias.</summary>
    public Conv2d Conv3 { get; }

    /// <summary>BatchNorm over M·e channels after <see cref="Conv3"/>.</summary>
    public BatchNorm Bn3 { get; }

    /// <summary>Projection 1×1, stride s, C → M·e, no bias; null for the identity shortcut.</summary>
    public Conv2d? ShortcutConv { get; }

    /// <summary>BatchNorm after <see cref="ShortcutConv"/>; null for the identity shortcut.</summary>
    public BatchNorm? ShortcutBn { get; }

    /// <summary>True when the shortcut is a projection (s ≠ 1 or C ≠ M·e) rather than the identity.</summary>
    public bool HasProjection => ShortcutConv is not null;

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children => _children;

    /// <summary>(B, C, H, W) → (B, M·e, Ho, Wo)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, H, W)</param>
    public override Tensor Forward(Tape tape, Tensor x)
    {
        var h = Ops.Relu(tape, Bn1.Forward(tape, Conv1.Forward(tape, x)));
        h = Ops.Relu(tape, Bn2.Forward(tape, Conv2.Forward(tape, h)));
        h = Bn3.Forward(tape, Conv3.Forward(tape, h));
        var shortcut = HasProjection ? ShortcutBn!.Forward(tape, ShortcutConv!.Forward(tape, x)) : x;
        return Ops.Relu(tape, Ops.Add(tape, h, shortcut));
    }
}
