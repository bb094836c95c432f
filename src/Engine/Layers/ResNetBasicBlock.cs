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
/// </remarks>
public sealed class ResNetBasicBlock : Module
{
    private readonly Module[] _children;

    /// <summary>Creates the block; convolutions are He-uniform initialised from <paramref name="rng"/>, BatchNorm γ = 1, β = 0.</summary>
    /// <param name="inChannels">C</param>
    /// <param name="outChannels">O</param>
    /// <param name="stride">s, applied by the first 3×3 convolution and the projection.</param>
    /// <param name="rng">Seeded generator for the convolution weights.</param>
    public ResNetBasicBlock(int inChannels, int outChannels, int stride, Rng rng)
    {
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "Must be positive.");
        if (outChannels <= 0) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, "Must be positive.");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, "Must be positive.");
        InChannels = inChannels;
        OutChannels = outChannels;
        Stride = stride;
        Conv1 = new Conv2d(inChannels, outChannels, 3, rng, stride: stride, padding: 1, bias: false);
        Bn1 = new BatchNorm(outChannels);
        Conv2 = new Conv2d(outChannels, outChannels, 3, rng, padding: 1, bias: false);
        Bn2 = new BatchNorm(outChannels);
        if (stride != 1 || inChannels != outChannels)
        {
            ShortcutConv = new Conv2d(inChannels, outChannels, 1, rng, stride: stride, bias: false);
            ShortcutBn = new BatchNorm(outChannels);
            _children = [Conv1, Bn1, Conv2, Bn2, ShortcutConv, ShortcutBn];
        }
        else _children = [Conv1, Bn1, Conv2, Bn2];
    }

    /// <summary>C</summary>
    public int InChannels { get; }

    /// <summary>O</summary>
    public int OutChannels { get; }

    /// <summary>s</summary>
    public int Stride { get; }

    /// <summary>3×3, stride s, padding 1, C → O, no bias.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>BatchNorm over O channels after <see cref="Conv1"/>.</summary>
    public BatchNorm Bn1 { get; }

    /// <summary>3×3, stride 1, padding 1, O → O, no bias.</summary>
    public Conv2d Conv2 { get; }

    /// <summary>BatchNorm over O channels after <see cref="Conv2"/>.</summary>
    public BatchNorm Bn2 { get; }

    /// <summary>Projection 1×1, stride s, C → O, no bias; null for the identity shortcut.</summary>
    public Conv2d? ShortcutConv { get; }

    /// <summary>BatchNorm after <see cref="ShortcutConv"/>; null for the identity shortcut.</summary>
    public BatchNorm? ShortcutBn { get; }

    /// <summary>True when the shortcut is a projection (s ≠ 1 or C ≠ O) rather than the identity.</summary>
    public bool HasProjection => ShortcutConv is not null;

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children => _children;

    /// <summary>(B, C, H, W) → (B, O, Ho, Wo)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, H, W)</param>
    public override Tensor Forward(Tape tape, Tensor x)
    {
        var h = Ops.Relu(tape, Bn1.Forward(tape, Conv1.Forward(tape, x)));
        h = Bn2.Forward(tape, Conv2.Forward(tape, h));
        var shortcut = HasProjection ? ShortcutBn!.Forward(tape, ShortcutConv!.Forward(tape, x)) : x;
        return Ops.Relu(tape, Ops.Add(tape, h, shortcut));
    }
}
