using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="Conv1d"/> → Conv with kernel_shape, strides, pads, dilations and group = 1 (<see cref="ConvNode"/>).</summary>
internal sealed class Conv1dExporter : ModuleExporter<Conv1d>
{
    protected override string Export(OnnxGraphBuilder graph, Conv1d layer, string input) =>
        ConvNode.Add(graph, input, layer.Weight, layer.Bias, WindowAttributes.Of(layer.Kernel, layer.Stride, layer.Padding), layer.Dilation);
}
