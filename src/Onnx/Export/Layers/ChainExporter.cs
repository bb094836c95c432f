using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Modules whose Forward applies exactly their <see cref="Module.Children"/> one after another → their children's nodes
/// in order: <see cref="Sequential"/>, <see cref="DenseNetLayer"/> (BN → ReLU → Conv) and <see cref="TransitionLayer"/>
/// (BN → ReLU → Conv → AveragePool).
/// </summary>
internal sealed class ChainExporter() : ModuleExporter<Module>(typeof(Sequential), typeof(DenseNetLayer), typeof(TransitionLayer))
{
    protected override string Export(OnnxGraphBuilder graph, Module layer, string input)
    {
        foreach (var child in layer.Children) input = ModuleExporter.Export(graph, child, input);
        return input;
    }
}
