using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Sequential → its children's nodes in order.</summary>
internal sealed class SequentialExporter : IModuleExporter
{
    public Type ModuleType => typeof(Sequential);

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        foreach (var child in module.Children) input = ModuleExporter.Export(graph, child, input);
        return input;
    }
}
