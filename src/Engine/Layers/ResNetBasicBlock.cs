namespace MlNetDeep.Engine.Layers;

/// <summary>
/// ResNet basic block (He et al. 2016, Fig. 2 left; PyTorch torchvision BasicBlock): (B, C, H, W) → (B, O, Ho, Wo) with
/// F(x) = BN(conv3×3(ReLU(BN(conv3×3ₛ(x))))) and output ReLU(F(x) + shortcut(x)). The first 3×3 convolution has stride s
/// and padding 1 (Ho = ⌊(H − 1)/s⌋ + 1), the second stride 1 and padding 1; neither has a bias (BatchNorm follows).
/// The shortcut is the identity when s = 1 and C = O, otherwise a projection conv1×1ₛ (no bias) → BN (option B of the paper).
/// </summary>
/// <remarks>
/// Children in forward order: Conv1, Bn1, Conv2, Bn2, then ShortcutConv and ShortcutBn when projecting, so
/// <see cref="Module.Parameters"/>, <see cref="Module.State"/> and <see cref="Module.SetTraining"/> reach every layer.
/// Exported to ONNX as the children's nodes plus Add and Relu.
/// <para>ONNX export: <c>MlNetDeep.Onnx.Export.ResidualBlockExporter</c> (src/Onnx/Export/Layers/ResidualBlockExporter.cs).</para>
/// </remarks>
internal sealed class ResNetBasicBlock : ResidualBlock
{
    /// <summary>Creates the block; convolutions are He-uniform initialised from <paramref name="rng"/>, BatchNorm γ = 1, β = 0.</summary>
    /// <param name="inChannels">C</param>
    /// <param name="outChannels">O</param>
    /// <param name="stride">s, applied by the first 3×3 convolution and the projection.</param>
    /// <param name="rng">Seeded generator for the convolution weights.</param>
    public ResNetBasicBlock(int inChannels, int outChannels, int stride, Rng rng)
        : base(inChannels, outChannels, stride, rng, Branch(inChannels, outChannels, stride, rng))
    {
        Conv1 = (Conv2d)Children[0];
        Bn1 = (BatchNorm)Children[1];
        Conv2 = (Conv2d)Children[2];
        Bn2 = (BatchNorm)Children[3];
        BranchInOrder = [Conv1, Bn1, BranchRelu, Conv2, Bn2];
    }

    private static Module[] Branch(int inChannels, int outChannels, int stride, Rng rng)
    {
        CheckPositive(inChannels, nameof(inChannels));
        CheckPositive(outChannels, nameof(outChannels));
        CheckPositive(stride, nameof(stride));
        return
        [
            new Conv2d(inChannels, outChannels, 3, rng, stride: stride, padding: 1, bias: false), new BatchNorm(outChannels),
            new Conv2d(outChannels, outChannels, 3, rng, padding: 1, bias: false), new BatchNorm(outChannels),
        ];
    }

    /// <summary>3×3, stride s, padding 1, C → O, no bias.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>BatchNorm over O channels after <see cref="Conv1"/>.</summary>
    public BatchNorm Bn1 { get; }

    /// <summary>3×3, stride 1, padding 1, O → O, no bias.</summary>
    public Conv2d Conv2 { get; }

    /// <summary>BatchNorm over O channels after <see cref="Conv2"/>.</summary>
    public BatchNorm Bn2 { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Module> BranchInOrder { get; }
}
