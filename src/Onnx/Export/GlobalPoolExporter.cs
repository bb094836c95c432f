using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// GlobalAvgPool → GlobalAveragePool + Flatten(axis = 1) and GlobalMaxPool → GlobalMaxPool + Flatten(axis = 1):
/// ONNX keeps (B, C, 1, …) while the engine layers produce (B, C).
/// </summary>
internal sealed class GlobalPoolExporter(Type moduleType) : IModuleExporter
{
    public Type ModuleType => moduleType;

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        string op = module switch
        {
            GlobalAvgPool => "GlobalAveragePool",
            GlobalMaxPool => "GlobalMaxPool",
            _ => throw new NotSupportedException($"GlobalPoolExporter cannot export '{module.GetType().Name}'."),
        };
        return graph.AddNode("Flatten", [graph.AddNode(op, [input])], OnnxAttribute.Int("axis", 1));
    }
}
