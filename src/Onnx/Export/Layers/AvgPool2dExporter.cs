using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="AvgPool2d"/> → AveragePool over (kh, kw) (<see cref="PoolNode"/>).</summary>
internal sealed class AvgPool2dExporter : ModuleExporter<AvgPool2d>
{
    protected override string Export(OnnxGraphBuilder graph, AvgPool2d layer, string input) =>
        PoolNode.Average(graph, input, WindowAttributes.Of(layer.Window));
}
