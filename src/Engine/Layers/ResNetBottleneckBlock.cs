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
/// <para>ONNX export: <c>MlNetDeep.Onnx.Export.ResidualBlockExporter</c> (src/Onnx/Export/Layers/ResidualBlockExporter.cs).</para>
/// </remarks>
internal sealed class ResNetBottleneckBlock : ResidualBlock
{
    /// <summary>Default expansion e of the last 1×1 convolution (the paper's 4).</summary>
    public const int DefaultExpansion = 4;

    /// <summary>Creates the block; convolutions are He-uniform initialised from <paramref name="rng"/>, BatchNorm γ = 1, β = 0.</summary>
    /// <param name="inChannels">C</param>
    /// <param name="bottleneckChannels">M, the width of the 1×1 reduction and the 3×3 convolution.</param>
    /// <param name="stride">s, applied by the 3×3 convolution and the projection.</param>
    /// <param name="rng">Seeded generator for the convolution weights.</param>
    /// <param name="expansion">e: the block outputs M·e channels.</param>
    public ResNetBottleneckBlock(int inChannels, int bottleneckChannels, int stride, Rng rng, int expansion = DefaultExpansion)
        : base(inChannels, bottleneckChannels * expansion, stride, rng, Branch(inChannels, bottleneckChannels, stride, rng, expansion))
    {
        BottleneckChannels = bottleneckChannels;
        Expansion = expansion;
        Conv1 = (Conv2d)Children[0];
        Bn1 = (BatchNorm)Children[1];
        Conv2 = (Conv2d)Children[2];
        Bn2 = (BatchNorm)Children[3];
        Conv3 = (Conv2d)Children[4];
        Bn3 = (BatchNorm)Children[5];
        BranchInOrder = [Conv1, Bn1, BranchRelu, Conv2, Bn2, BranchRelu, Conv3, Bn3];
    }

    private static Module[] Branch(int inChannels, int bottleneckChannels, int stride, Rng rng, int expansion)
    {
        CheckPositive(inChannels, nameof(inChannels));
        CheckPositive(bottleneckChannels, nameof(bottleneckChannels));
        CheckPositive(stride, nameof(stride));
        CheckPositive(expansion, nameof(expansion));
        int outChannels = bottleneckChannels * expansion;
        return
        [
            new Conv2d(inChannels, bottleneckChannels, 1, rng, bias: false), new BatchNorm(bottleneckChannels),
            new Conv2d(bottleneckChannels, bottleneckChannels, 3, rng, stride: stride, padding: 1, bias: false), new BatchNorm(bottleneckChannels),
            new Conv2d(bottleneckChannels, outChannels, 1, rng, bias: false), new BatchNorm(outChannels),
        ];
    }

    /// <summary>M</summary>
    public int BottleneckChannels { get; }

    /// <summary>e</summary>
    public int Expansion { get; }

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

    /// <inheritdoc/>
    public override IReadOnlyList<Module> BranchInOrder { get; }
}
