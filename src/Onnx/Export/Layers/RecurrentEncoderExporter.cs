using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// <see cref="RecurrentEncoder"/> → Reshape (N, T, F) → native recurrent nodes (<see cref="RecurrentExporter.LastLayerFinalHidden"/>)
/// → the last layer's Y_h (dirs, N, H) → Transpose (N, dirs, H) → Reshape (N, dirs·H).
/// </summary>
internal sealed class RecurrentEncoderExporter : ModuleExporter<RecurrentEncoder>
{
    protected override string Export(OnnxGraphBuilder graph, RecurrentEncoder layer, string input)
    {
        string sequence = graph.AddNode("Reshape", [input, graph.Constant([0L, layer.Steps, layer.FeaturesPerStep])]);
        return RecurrentExporter.LastLayerFinalHidden(graph, layer.Recurrent, sequence);
    }
}
