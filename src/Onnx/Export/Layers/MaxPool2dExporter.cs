using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="MaxPool2d"/> → MaxPool over (kh, kw) (<see cref="PoolNode"/>).</summary>
internal sealed class MaxPool2dExporter : ModuleExporter<MaxPool2d>
{
    protected override string Export(OnnxGraphBuilder graph, MaxPool2d layer, string input) =>
        PoolNode.Max(graph, input, WindowAttributes.Of(layer.Window));
}
