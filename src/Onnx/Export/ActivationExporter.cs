using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Activation → Sigmoid / Tanh / Relu / LeakyRelu. LeakyRelu's alpha is always written (ONNX default 0.01, Keras 0.3).</summary>
internal sealed class ActivationExporter : IModuleExporter
{
    public Type ModuleType => typeof(Activation);

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        var activation = (Activation)module;
        return activation.Kind switch
        {
            ActivationKind.Sigmoid => graph.AddNode("Sigmoid", [input]),
            ActivationKind.Tanh => graph.AddNode("Tanh", [input]),
            ActivationKind.Relu => graph.AddNode("Relu", [input]),
            ActivationKind.LeakyRelu => graph.AddNode("LeakyRelu", [input], OnnxAttribute.Float("alpha", activation.Alpha)),
            _ => throw new NotSupportedException($"Activation '{activation.Kind}' cannot be exported to ONNX."),
        };
    }
}
