namespace MlNetDeep;

/// <summary>Unit of text a network reads (and, for a text-to-text model, writes).</summary>
/// <remarks>
/// TextClassifier lower-cases the text first (and drops punctuation for words); EncoderDecoder uses the text as it is.
/// </remarks>
public enum TokenUnit
{
    /// <summary>Words, split on spaces.</summary>
    Words,

    /// <summary>Characters (UTF-16 code units).</summary>
    Characters,
}
