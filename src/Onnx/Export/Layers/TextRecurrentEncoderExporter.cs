using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// <see cref="TextRecurrentEncoder"/> → lengths = max(1, Σ (ids ≠ pad)) as int32 sequence_lens → Gather embedding →
/// native recurrent nodes over those lengths (<see cref="RecurrentExporter.LastLayerFinalHidden"/>) → last layer's Y_h (dirs, N, H)
/// → (N, dirs·H). Input: int64 ids (N, T).
/// </summary>
internal sealed class TextRecurrentEncoderExporter : ModuleExporter<TextRecurrentEncoder>
{
    protected override string Export(OnnxGraphBuilder graph, TextRecurrentEncoder layer, string input)
    {
        // Pads only follow the text, so the count of non-pad ids is the length (as the engine computes it).
        string notPad = graph.AddNode("Not", [graph.AddNode("Equal", [input, graph.Constant([(long)layer.PadId])])]);
        string count = graph.AddNode("ReduceSum", [graph.AddNode("Cast", [notPad], OnnxAttribute.Int("to", (long)OnnxElementType.Int64)), graph.Constant([1L])],
            OnnxAttribute.Int("keepdims", 0));
        string lengths = graph.AddNode("Cast", [graph.AddNode("Max", [count, graph.Constant([1L])])], OnnxAttribute.Int("to", (long)OnnxElementType.Int32));
        string embedded = ModuleExporter.Export(graph, layer.Embedding, input);
        return RecurrentExporter.LastLayerFinalHidden(graph, layer.Recurrent, embedded, lengths);
    }
}
