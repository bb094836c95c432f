namespace MlNetDeep.Engine.Layers;

/// <summary>Applies its modules one after another.</summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.ChainExporter</c> (src/Onnx/Export/Layers/ChainExporter.cs).</remarks>
internal sealed class Sequential : Module
{
    private readonly Module[] _modules;

    /// <summary>Creates the chain.</summary>
    /// <param name="modules">Modules in forward order.</param>
    public Sequential(params Module[] modules)
    {
        if (modules.Length == 0) throw new ArgumentException("A Sequential needs at least one module.", nameof(modules));
        _modules = modules;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children => _modules;

    /// <inheritdoc/>
    public override Tensor Forward(Tape tape, Tensor x) => ForwardChain(tape, _modules, x);

    /// <summary>
    /// Runs <paramref name="modules"/> one after another, fusing two pairs that give the same values and gradients:
    /// a BatchNorm directly followed by a ReLU (<see cref="Ops.BatchNormRelu"/>: one memory-bound pass fewer each way)
    /// and a Conv1d directly followed by a GlobalMaxPool (<see cref="Ops.Conv1dMaxOverTime"/>: sparse backward).
    /// </summary>
    /// <param name="tape">Tape that records the ops.</param>
    /// <param name="modules">Modules in forward order.</param>
    /// <param name="x">Input of the first module.</param>
    internal static Tensor ForwardChain(Tape tape, IReadOnlyList<Module> modules, Tensor x)
    {
        for (int i = 0; i < modules.Count; i++)
        {
            if (modules[i] is BatchNorm bn && i + 1 < modules.Count && modules[i + 1] is Activation { Kind: ActivationKind.Relu })
            {
                x = bn.ForwardRelu(tape, x);
                i++;
                continue;
            }
            if (modules[i] is Conv1d conv && i + 1 < modules.Count && modules[i + 1] is GlobalMaxPool)
            {
                x = conv.ForwardMaxOverTime(tape, x);
                i++;
                continue;
            }
            x = modules[i].Forward(tape, x);
        }
        return x;
    }
}
