using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// <see cref="ResNetBasicBlock"/> / <see cref="ResNetBottleneckBlock"/> (through their base <see cref="ResidualBlock"/>) →
/// the residual branch's Conv / BatchNormalization / Relu nodes (through <see cref="ModuleExporter"/>), the shortcut
/// (the input itself, or Conv → BatchNormalization), then Add and Relu. Add is the ONNX element-wise op; both operands
/// have the same shape, so no broadcasting is involved.
/// </summary>
internal sealed class ResidualBlockExporter() : ModuleExporter<ResidualBlock>(typeof(ResNetBasicBlock), typeof(ResNetBottleneckBlock))
{
    protected override string Export(OnnxGraphBuilder graph, ResidualBlock layer, string input)
    {
        string residual = input;
        foreach (var m in layer.BranchInOrder) residual = ModuleExporter.Export(graph, m, residual);
        string shortcut = layer.ShortcutConv is null
            ? input
            : ModuleExporter.Export(graph, layer.ShortcutBn!, ModuleExporter.Export(graph, layer.ShortcutConv, input));
        return graph.AddNode("Relu", [graph.AddNode("Add", [residual, shortcut])]);
    }
}
