using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Dropout2d is the identity at inference (inverted channel dropout scales while training), so it emits no node.</summary>
internal sealed class Dropout2dExporter : IModuleExporter
{
    public Type ModuleType => typeof(Dropout2d);

    public string Export(OnnxGraphBuilder graph, Module module, string input) => input;
}
