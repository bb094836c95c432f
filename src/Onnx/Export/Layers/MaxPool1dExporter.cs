using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="MaxPool1d"/> → MaxPool over the last axis of (B, C, L) (<see cref="PoolNode"/>).</summary>
internal sealed class MaxPool1dExporter : ModuleExporter<MaxPool1d>
{
    protected override string Export(OnnxGraphBuilder graph, MaxPool1d layer, string input) =>
        PoolNode.Max(graph, input, WindowAttributes.Of(layer.Kernel, layer.Stride, layer.Padding));
}
