using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Dropout is the identity at inference (inverted dropout scales while training), so it emits no node.</summary>
internal sealed class DropoutExporter : IModuleExporter
{
    public Type ModuleType => typeof(Dropout);

    public string Export(OnnxGraphBuilder graph, Module module, string input) => input;
}
