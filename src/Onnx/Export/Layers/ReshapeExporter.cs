using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary><see cref="Reshape"/> → Reshape(x, [0, shape…]) (0 keeps the batch dimension).</summary>
internal sealed class ReshapeExporter : ModuleExporter<Reshape>
{
    protected override string Export(OnnxGraphBuilder graph, Reshape layer, string input) =>
        graph.AddNode("Reshape", [input, graph.Constant([0L, .. layer.Shape.Select(d => (long)d)])]);
}
