using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// ResNetBasicBlock / ResNetBottleneckBlock → the residual branch's Conv / BatchNormalization / Relu nodes (through
/// <see cref="ModuleExporter"/>), the shortcut (the input itself, or Conv → BatchNormalization), then Add and Relu.
/// Add is the ONNX element-wise op; both operands have the same shape, so no broadcasting is involved.
/// </summary>
internal sealed class ResNetBlockExporter(Type moduleType) : IModuleExporter
{
    /// <summary>Stands for the blocks' inner Ops.Relu calls, which are not modules.</summary>
    private static readonly Activation Relu = new(ActivationKind.Relu);

    public Type ModuleType => moduleType;

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        (Module[] branch, Conv2d? shortcutConv, BatchNorm? shortcutBn) = module switch
        {
            ResNetBasicBlock b => (new Module[] { b.Conv1, b.Bn1, Relu, b.Conv2, b.Bn2 }, b.ShortcutConv, b.ShortcutBn),
            ResNetBottleneckBlock b => (new Module[] { b.Conv1, b.Bn1, Relu, b.Conv2, b.Bn2, Relu, b.Conv3, b.Bn3 }, b.ShortcutConv, b.ShortcutBn),
            _ => throw new NotSupportedException($"ResNetBlockExporter cannot export '{module.GetType().Name}'."),
        };
        string residual = input;
        foreach (var m in branch) residual = ModuleExporter.Export(graph, m, residual);
        string shortcut = shortcutConv is null
            ? input
            : ModuleExporter.Export(graph, shortcutBn!, ModuleExporter.Export(graph, shortcutConv, input));
        return graph.AddNode("Relu", [graph.AddNode("Add", [residual, shortcut])]);
    }
}
