using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// <see cref="Embedding"/> → Gather(W, ids, axis = 0): (B, T) → (B, T, E). The input must be an int64 (or int32) ids
/// tensor — the engine's float-encoded ids become integer model inputs. The padding row is exported as it is (zero);
/// padding only changes training.
/// </summary>
internal sealed class EmbeddingExporter : ModuleExporter<Embedding>
{
    protected override string Export(OnnxGraphBuilder graph, Embedding layer, string input)
    {
        string w = graph.AddInitializer(graph.UniqueName("embedding_weight"), layer.Weight.Span, layer.VocabularySize, layer.EmbeddingSize);
        return graph.AddNode("Gather", [w, input], OnnxAttribute.Int("axis", 0));
    }
}
