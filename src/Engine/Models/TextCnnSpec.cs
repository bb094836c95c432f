namespace MlNetDeep.Engine.Models;

/// <summary>Architecture of a TextCNN (Kim, 2014) over word or character ids.</summary>
/// <param name="VocabularySize">Rows of the embedding (all ids, including unknown and padding).</param>
/// <param name="PadId">Padding id: its embedding stays zero.</param>
/// <param name="Length">T, tokens per row (≥ the widest kernel).</param>
/// <param name="EmbeddingSize">E</param>
/// <param name="KernelSizes">Widths of the convolutions, e.g. 3, 4, 5.</param>
/// <param name="FiltersPerKernel">Feature maps per width.</param>
/// <param name="DropoutRate">Dropout before the output layer.</param>
/// <param name="Outputs">Classes K.</param>
/// <param name="TokenDropoutRate">Word dropout while training: tokens replaced by <paramref name="UnknownId"/> with this probability.</param>
/// <param name="UnknownId">Id of the unknown token.</param>
/// <param name="EmbeddingInitStd">σ of the embedding's N(0, σ²) initialisation (1 is PyTorch's default, as the anchor benchmark uses).</param>
internal sealed record TextCnnSpec(int VocabularySize, int PadId, int Length, int EmbeddingSize, IReadOnlyList<int> KernelSizes,
    int FiltersPerKernel, float DropoutRate, int Outputs, float TokenDropoutRate = 0f, int UnknownId = 0, float EmbeddingInitStd = 1f);
