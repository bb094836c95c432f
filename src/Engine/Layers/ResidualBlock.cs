namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Base of the ResNet blocks: output ReLU(F(x) + shortcut(x)), where the shortcut is the identity when the stride is 1
/// and the channel count is unchanged, otherwise a projection conv1×1ₛ (no bias) → BN (option B of He et al. 2016).
/// Derived blocks define the residual branch F.
/// </summary>
internal abstract class ResidualBlock : Module
{
    /// <summary>Stands for the branch's ReLU between layers (an op, not a parameterised module) in <see cref="BranchInOrder"/>.</summary>
    private protected static readonly Activation BranchRelu = new(ActivationKind.Relu);

    private readonly Module[] _children;

    /// <summary>
    /// Stores the branch layers and creates the shortcut. The branch is created before this runs (it is an argument),
    /// so the shortcut's weights are drawn from <paramref name="rng"/> after the branch's, in forward order.
    /// </summary>
    /// <param name="inChannels">C</param>
    /// <param name="outChannels">O, the branch's output channels.</param>
    /// <param name="stride">s of the block.</param>
    /// <param name="rng">Seeded generator for the projection's weights.</param>
    /// <param name="branchLayers">The branch's parameterised layers in forward order.</param>
    private protected ResidualBlock(int inChannels, int outChannels, int stride, Rng rng, Module[] branchLayers)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Stride = stride;
        if (stride != 1 || inChannels != outChannels)
        {
            ShortcutConv = new Conv2d(inChannels, outChannels, 1, rng, stride: stride, bias: false);
            ShortcutBn = new BatchNorm(outChannels);
            _children = [.. branchLayers, ShortcutConv, ShortcutBn];
        }
        else _children = branchLayers;
    }

    /// <summary>Checks the sizes shared by every block (before any layer is created).</summary>
    private protected static void CheckPositive(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, "Must be positive.");
    }

    /// <summary>C</summary>
    public int InChannels { get; }

    /// <summary>O, the block's output channels.</summary>
    public int OutChannels { get; }

    /// <summary>s</summary>
    public int Stride { get; }

    /// <summary>Projection 1×1, stride s, C → O, no bias; null for the identity shortcut.</summary>
    public Conv2d? ShortcutConv { get; }

    /// <summary>BatchNorm after <see cref="ShortcutConv"/>; null for the identity shortcut.</summary>
    public BatchNorm? ShortcutBn { get; }

    /// <summary>True when the shortcut is a projection (s ≠ 1 or C ≠ O) rather than the identity.</summary>
    public bool HasProjection => ShortcutConv is not null;

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children => _children;

    /// <summary>The branch F as modules in forward order, its ReLUs included (what ONNX export walks).</summary>
    public abstract IReadOnlyList<Module> BranchInOrder { get; }

    /// <summary>(B, C, H, W) → (B, O, Ho, Wo): ReLU(F(x) + shortcut(x)).</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, H, W)</param>
    public override Tensor Forward(Tape tape, Tensor x)
    {
        var h = Sequential.ForwardChain(tape, BranchInOrder, x); // BN → ReLU pairs fused
        var shortcut = HasProjection ? ShortcutBn!.Forward(tape, ShortcutConv!.Forward(tape, x)) : x;
        return Ops.AddRelu(tape, h, shortcut);
    }
}
