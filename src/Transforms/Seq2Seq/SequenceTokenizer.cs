using Microsoft.ML;

namespace MlNetDeep.Transforms;

/// <summary>
/// Cuts a text column into a Vector&lt;String&gt; of tokens with built-in ML.NET transforms, so the cut saves with the model
/// and the training data is cut exactly as scoring will cut it. No normalisation: case and punctuation are kept, as
/// sequence-to-sequence tasks (spelling → pronunciation, dates → a normal form) depend on them.
/// <list type="bullet">
/// <item>Characters: TokenizeIntoCharactersAsKeys (no marker characters) → MapKeyToValue: one token per UTF-16 code unit.</item>
/// <item>Words: TokenizeIntoWords on spaces; empty pieces (repeated spaces) are dropped.</item>
/// </list>
/// </summary>
internal static class SequenceTokenizer
{
    /// <summary>The unfitted tokenizer: <paramref name="textColumn"/> → <paramref name="tokensColumn"/>.</summary>
    /// <param name="ml">Context.</param>
    /// <param name="textColumn">String column.</param>
    /// <param name="tokensColumn">Output Vector&lt;String&gt; column.</param>
    /// <param name="unit">Characters or words.</param>
    /// <param name="scratchColumn">Column name for the character keys between the two transforms (dropped).</param>
    public static IEstimator<ITransformer> Create(MLContext ml, string textColumn, string tokensColumn, TokenUnit unit, string scratchColumn)
    {
        if (unit == TokenUnit.Words) return ml.Transforms.Text.TokenizeIntoWords(tokensColumn, textColumn, [' ']);
        return ml.Transforms.Text.TokenizeIntoCharactersAsKeys(scratchColumn, textColumn, useMarkerCharacters: false)
            .Append(ml.Transforms.Conversion.MapKeyToValue(tokensColumn, scratchColumn))
            .Append(ml.Transforms.DropColumns(scratchColumn));
    }
}
