using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="ParallelConcat"/> → each branch's nodes from the same input, then Concat(axis = 1).</summary>
internal sealed class ParallelConcatExporter : ModuleExporter<ParallelConcat>
{
    protected override string Export(OnnxGraphBuilder graph, ParallelConcat layer, string input)
    {
        var outputs = layer.Children.Select(branch => ModuleExporter.Export(graph, branch, input)).ToArray();
        return outputs.Length == 1 ? outputs[0] : graph.AddNode("Concat", outputs, OnnxAttribute.Int("axis", 1));
    }
}
