namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Token embedding table (PyTorch Embedding): ids (B, T) → vectors (B, T, E); see <see cref="Ops.Embedding(Tape, Tensor, Tensor, int?)"/>.
/// In a <see cref="Sequential"/> the input tensor holds the ids as exact float integers; the typed
/// <see cref="Forward(Tape, ReadOnlySpan{int}, int, int)"/> takes integers. Exported as ONNX Gather(W, ids) on axis 0,
/// where the model input holds int64 ids.
/// </summary>
/// <remarks>
/// Initialisation: W ~ N(0, 1) (PyTorch's default); the padding row, if any, starts at zero and never receives a
/// gradient, so it stays zero under SGD/Adam without weight decay.
/// <para>ONNX export: <c>MlNetDeep.Onnx.Export.EmbeddingExporter</c> (src/Onnx/Export/Layers/EmbeddingExporter.cs).</para>
/// </remarks>
internal sealed class Embedding : Module
{
    /// <summary>Creates the table.</summary>
    /// <param name="vocabularySize">V, number of rows.</param>
    /// <param name="embeddingSize">E, length of each vector.</param>
    /// <param name="rng">Seeded generator for the weights.</param>
    /// <param name="paddingIndex">Row used for padding tokens (zero, no gradient), or null.</param>
    /// <param name="initStd">Standard deviation of the N(0, σ²) initial weights: 1 is PyTorch's default; text classifiers
    /// trained from scratch on little data do much better with a small σ such as 0.05 (Keras uses U(±0.05)).</param>
    public Embedding(int vocabularySize, int embeddingSize, Rng rng, int? paddingIndex = null, float initStd = 1f)
    {
        if (vocabularySize <= 0) throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize, "Must be positive.");
        if (embeddingSize <= 0) throw new ArgumentOutOfRangeException(nameof(embeddingSize), embeddingSize, "Must be positive.");
        if (paddingIndex is int p && (p < 0 || p >= vocabularySize))
            throw new ArgumentOutOfRangeException(nameof(paddingIndex), paddingIndex, $"Must lie in [0, {vocabularySize}).");
        VocabularySize = vocabularySize;
        EmbeddingSize = embeddingSize;
        PaddingIndex = paddingIndex;
        Weight = Parameter.Create(vocabularySize, embeddingSize);
        var w = Weight.Span;
        if (!(initStd > 0f)) throw new ArgumentOutOfRangeException(nameof(initStd), initStd, "Must be positive.");
        for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextGaussian() * initStd;
        if (paddingIndex is int pad) w.Slice(pad * embeddingSize, embeddingSize).Clear();
    }

    /// <summary>V</summary>
    public int VocabularySize { get; }

    /// <summary>E</summary>
    public int EmbeddingSize { get; }

    /// <summary>Row that stays zero and gets no gradient, or null.</summary>
    public int? PaddingIndex { get; }

    /// <summary>(V, E)</summary>
    public Tensor Weight { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> OwnParameters => [Weight];

    /// <summary>(B, T) float-encoded ids → (B, T, E)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, T) token ids as exact integers in [0, V)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.Embedding(tape, x, Weight, PaddingIndex);

    /// <summary>(B, T) integer ids → (B, T, E)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="ids">(B, T) row-major token ids in [0, V)</param>
    /// <param name="batch">B</param>
    /// <param name="length">T</param>
    public Tensor Forward(Tape tape, ReadOnlySpan<int> ids, int batch, int length) =>
        Ops.Embedding(tape, ids, batch, length, Weight, PaddingIndex);
}
