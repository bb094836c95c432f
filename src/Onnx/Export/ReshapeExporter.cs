using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Reshape → Reshape(x, [0, shape…]) (0 keeps the batch dimension).</summary>
internal sealed class ReshapeExporter : IModuleExporter
{
    public Type ModuleType => typeof(Reshape);

    public string Export(OnnxGraphBuilder graph, Module module, string input) =>
        graph.AddNode("Reshape", [input, graph.Constant([0L, .. ((Reshape)module).Shape.Select(d => (long)d)])]);
}
