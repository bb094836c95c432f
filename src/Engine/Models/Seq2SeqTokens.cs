namespace MlNetDeep.Engine.Models;

/// <summary>
/// Reserved token ids, the same in the source and the target vocabulary. Every source sequence ends with
/// <see cref="Eos"/>, so an empty text is the one-token source [EOS] and no sequence has length 0 (the recurrent
/// encoder and ONNX's RNN operators need at least one step). Target sequences are fed as [BOS, y…] and predicted as [y…, EOS].
/// </summary>
internal static class Seq2SeqTokens
{
    /// <summary>Padding (embedding row fixed at zero; ignored by the loss and masked in attention).</summary>
    public const int Pad = 0;

    /// <summary>A token not in the vocabulary.</summary>
    public const int Unknown = 1;

    /// <summary>Begin of sequence: the decoder's first input.</summary>
    public const int Bos = 2;

    /// <summary>End of sequence.</summary>
    public const int Eos = 3;

    /// <summary>Number of reserved ids; vocabulary tokens start here.</summary>
    public const int Reserved = 4;
}
