using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="Conv2d"/> → Conv with kernel_shape, strides, pads, dilations and group = 1 (<see cref="ConvNode"/>).</summary>
internal sealed class Conv2dExporter : ModuleExporter<Conv2d>
{
    protected override string Export(OnnxGraphBuilder graph, Conv2d layer, string input) =>
        ConvNode.Add(graph, input, layer.Weight, layer.Bias, WindowAttributes.Of(layer.Window), layer.Window.DilationH, layer.Window.DilationW);
}
