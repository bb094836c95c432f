using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Embedding → Gather(W, ids, axis = 0): (B, T) → (B, T, E). The input must be an int64 (or int32) ids tensor — the
/// engine's float-encoded ids become integer model inputs. The padding row is exported as it is (zero); padding only
/// changes training.
/// </summary>
internal sealed class EmbeddingExporter : IModuleExporter
{
    public Type ModuleType => typeof(Embedding);

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        var embedding = (Embedding)module;
        string w = graph.AddInitializer(graph.UniqueName("embedding_weight"), embedding.Weight.Span, embedding.VocabularySize, embedding.EmbeddingSize);
        return graph.AddNode("Gather", [w, input], OnnxAttribute.Int("axis", 0));
    }
}
