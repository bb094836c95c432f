namespace MlNetDeep.Engine.Models;

/// <summary>Shape of an encoder–decoder with attention (<see cref="Seq2Seq"/>).</summary>
/// <param name="SourceVocabularySize">Source ids including <see cref="Seq2SeqTokens.Reserved"/> reserved ones.</param>
/// <param name="TargetVocabularySize">Target ids including the reserved ones (V, the output size).</param>
/// <param name="EmbeddingSize">E, for source and target embeddings.</param>
/// <param name="Cell">Recurrent cell of encoder and decoder.</param>
/// <param name="HiddenSize">H, per direction of the encoder; the decoder's state has the encoder's output size dirs·H.</param>
/// <param name="EncoderLayers">Stacked encoder layers.</param>
/// <param name="BidirectionalEncoder">Encoder reads both directions; its outputs are 2H wide and its final states are
/// concatenated into the decoder's initial state (so the decoder's state is 2H).</param>
/// <param name="Attention">Score function.</param>
/// <param name="InputFeeding">Luong input feeding: the previous attentional vector is concatenated to the decoder input.</param>
/// <param name="DropoutRate">Dropout on embeddings, between encoder layers and on the attentional vector while training.</param>
internal sealed record Seq2SeqSpec(int SourceVocabularySize, int TargetVocabularySize, int EmbeddingSize, RecurrentCellKind Cell,
    int HiddenSize, int EncoderLayers, bool BidirectionalEncoder, AttentionKind Attention, bool InputFeeding, float DropoutRate)
{
    /// <summary>Encoder output size He = dirs·H (keys and values of the attention).</summary>
    public int EncoderOutputSize => (BidirectionalEncoder ? 2 : 1) * HiddenSize;

    /// <summary>Decoder state size Hd = He: the bridge concatenates the encoder's final forward and backward states.</summary>
    public int DecoderSize => EncoderOutputSize;

    /// <summary>Throws when a size is not positive or the dropout rate is outside [0, 1).</summary>
    public void Check()
    {
        Positive(SourceVocabularySize - Seq2SeqTokens.Reserved, nameof(SourceVocabularySize), "more than the reserved ids");
        Positive(TargetVocabularySize - Seq2SeqTokens.Reserved, nameof(TargetVocabularySize), "more than the reserved ids");
        Positive(EmbeddingSize, nameof(EmbeddingSize), "positive");
        Positive(HiddenSize, nameof(HiddenSize), "positive");
        Positive(EncoderLayers, nameof(EncoderLayers), "positive");
        if (!(DropoutRate >= 0f && DropoutRate < 1f)) throw new ArgumentOutOfRangeException(nameof(DropoutRate), DropoutRate, "Must lie in [0, 1).");
    }

    private static void Positive(int value, string name, string expected)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"Must be {expected}.");
    }
}
