using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="Activation"/> → Sigmoid / Tanh / Relu / LeakyRelu. LeakyRelu's alpha is always written (ONNX default 0.01, Keras 0.3).</summary>
internal sealed class ActivationExporter : ModuleExporter<Activation>
{
    protected override string Export(OnnxGraphBuilder graph, Activation layer, string input) => layer.Kind switch
    {
        ActivationKind.Sigmoid => graph.AddNode("Sigmoid", [input]),
        ActivationKind.Tanh => graph.AddNode("Tanh", [input]),
        ActivationKind.Relu => graph.AddNode("Relu", [input]),
        ActivationKind.LeakyRelu => graph.AddNode("LeakyRelu", [input], OnnxAttribute.Float("alpha", layer.Alpha)),
        _ => throw new NotSupportedException($"Activation '{layer.Kind}' cannot be exported to ONNX."),
    };
}
