namespace MlNetDeep.Engine.Models;

/// <summary>
/// Reserved token ids, the same in the source and the target vocabulary. Unknown is 0 because ML.NET's MapValue gives
/// the default value to a token not in its map, so text maps to ids with a built-in transform. Every source sequence ends with
/// <see cref="Eos"/>, so an empty text is the one-token source [EOS] and no sequence has length 0 (the recurrent
/// encoder and ONNX's RNN operators need at least one step). Target sequences are fed as [BOS, y…] and predicted as [y…, EOS].
/// </summary>
internal static class Seq2SeqTokens
{
    /// <summary>A token not in the vocabulary (what ML.NET's MapValue gives a token it does not know).</summary>
    public const int Unknown = 0;

    /// <summary>Padding (embedding row fixed at zero; ignored by the loss and masked in attention).</summary>
    public const int Pad = 1;

    /// <summary>Begin of sequence: the decoder's first input.</summary>
    public const int Bos = 2;

    /// <summary>End of sequence.</summary>
    public const int Eos = 3;

    /// <summary>Number of reserved ids; vocabulary tokens start here.</summary>
    public const int Reserved = 4;
}
