using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>ParallelConcat → each branch's nodes from the same input, then Concat(axis = 1).</summary>
internal sealed class ParallelConcatExporter : IModuleExporter
{
    public Type ModuleType => typeof(ParallelConcat);

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        var outputs = module.Children.Select(branch => ModuleExporter.Export(graph, branch, input)).ToArray();
        return outputs.Length == 1 ? outputs[0] : graph.AddNode("Concat", outputs, OnnxAttribute.Int("axis", 1));
    }
}
