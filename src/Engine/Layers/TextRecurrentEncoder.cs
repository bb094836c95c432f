namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Encodes token ids of fixed length T (padded at the end with a pad id): Embedding → recurrent layer over each row's
/// real length (the tokens before the first pad; at least 1, so an empty text reads one pad token) → final hidden
/// state of the last stacked layer, both directions concatenated: (B, T) ids → (B, dirs·H).
/// Because the recurrence stops at each row's length, padding never changes a text's encoding.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.TextRecurrentEncoderExporter</c> (src/Onnx/Export/Layers/TextRecurrentEncoderExporter.cs).</remarks>
internal sealed class TextRecurrentEncoder : Module
{
    /// <summary>Creates the encoder.</summary>
    /// <param name="embedding">Token embedding; its size must equal the recurrent layer's input size.</param>
    /// <param name="recurrent">Recurrent layer.</param>
    /// <param name="padId">Id of the padding token.</param>
    public TextRecurrentEncoder(Embedding embedding, RecurrentLayer recurrent, int padId)
    {
        if (embedding.EmbeddingSize != recurrent.InputSize)
            throw new ArgumentException($"The embedding has {embedding.EmbeddingSize} dimensions; the recurrent layer reads {recurrent.InputSize}.", nameof(recurrent));
        Embedding = embedding;
        Recurrent = recurrent;
        PadId = padId;
    }

    /// <summary>Token embedding.</summary>
    public Embedding Embedding { get; }

    /// <summary>Recurrent layer.</summary>
    public RecurrentLayer Recurrent { get; }

    /// <summary>Padding token id.</summary>
    public int PadId { get; }

    /// <summary>dirs·H</summary>
    public int OutputSize => Recurrent.Directions * Recurrent.HiddenSize;

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children => [Embedding, Recurrent];

    /// <summary>(B, T) float-encoded ids → (B, dirs·H)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, T) token ids.</param>
    public override Tensor Forward(Tape tape, Tensor x)
    {
        int b = x.Shape[0], t = x.Shape[1];
        var lengths = new int[b];
        var ids = x.Span;
        for (int r = 0; r < b; r++)
        {
            int n = 0;
            while (n < t && ids[r * t + n] != PadId) n++;
            lengths[r] = Math.Max(n, 1);
        }
        var embedded = Embedding.Forward(tape, x);
        return Recurrent.LastLayerFinalHidden(tape, Recurrent.Forward(tape, embedded, lengths));
    }
}
