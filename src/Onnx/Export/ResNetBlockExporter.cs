using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// ResNetBasicBlock / ResNetBottleneckBlock → the residual branch's Conv / BatchNormalization / Relu nodes (through
/// <see cref="ModuleExporter"/>), the shortcut (the input itself, or Conv → BatchNormalization), then Add and Relu.
/// Add is the ONNX element-wise op; both operands have the same shape, so no broadcasting is involved.
/// </summary>
internal sealed class ResNetBlockExporter(Type moduleType) : IModuleExporter
{
    public Type ModuleType => moduleType;

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        var block = (ResidualBlock)module;
        string residual = input;
        foreach (var m in block.BranchInOrder) residual = ModuleExporter.Export(graph, m, residual);
        string shortcut = block.ShortcutConv is null
            ? input
            : ModuleExporter.Export(graph, block.ShortcutBn!, ModuleExporter.Export(graph, block.ShortcutConv, input));
        return graph.AddNode("Relu", [graph.AddNode("Add", [residual, shortcut])]);
    }
}
