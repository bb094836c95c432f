using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="AvgPool1d"/> → AveragePool over the last axis of (B, C, L) (<see cref="PoolNode"/>).</summary>
internal sealed class AvgPool1dExporter : ModuleExporter<AvgPool1d>
{
    protected override string Export(OnnxGraphBuilder graph, AvgPool1d layer, string input) =>
        PoolNode.Average(graph, input, WindowAttributes.Of(layer.Kernel, layer.Stride, layer.Padding));
}
