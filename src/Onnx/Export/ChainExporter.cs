using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Modules whose Forward applies exactly their <see cref="Module.Children"/> one after another (DenseLayer: BN → ReLU → Conv;
/// TransitionLayer: BN → ReLU → Conv → AveragePool) → their children's nodes in order, like <see cref="SequentialExporter"/>.
/// </summary>
internal sealed class ChainExporter(Type moduleType) : IModuleExporter
{
    public Type ModuleType => moduleType;

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        foreach (var child in module.Children) input = ModuleExporter.Export(graph, child, input);
        return input;
    }
}
