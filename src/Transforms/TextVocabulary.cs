using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace MlNetDeep.Transforms;

/// <summary>
/// Learns a vocabulary with built-in ML.NET transforms (so it saves with the model): NormalizeText (lower case,
/// no punctuation for words) → TokenizeIntoWords or TokenizeIntoCharactersAsKeys (+ MapKeyToValue) → MapValueToKey.
/// The result column <see cref="TokenColumn"/> is a variable-length Vector&lt;Key&lt;UInt32, V&gt;&gt;: known tokens
/// are 1..V in order of first occurrence in the training text, unknown tokens 0.
/// </summary>
internal static class TextVocabulary
{
    /// <summary>Column holding the token keys; also the ONNX graph's input name.</summary>
    public const string TokenColumn = "MlNetDeep_Tokens";

    private const string Normalized = "MlNetDeep_NormalizedText";
    private const string CharacterKeys = "MlNetDeep_CharacterKeys";
    private const string Pieces = "MlNetDeep_TokenText";

    /// <summary>Fits the vocabulary on <paramref name="training"/>; the returned transformer writes <see cref="TokenColumn"/>.</summary>
    /// <param name="ml">Context.</param>
    /// <param name="training">Training data.</param>
    /// <param name="textColumn">Text column.</param>
    /// <param name="unit">Words or characters.</param>
    /// <param name="maximumVocabularySize">Keys kept (the first seen); later tokens count as unknown.</param>
    public static TransformerChain<ITransformer> Fit(MLContext ml, IDataView training, string textColumn, TokenUnit unit, int maximumVocabularySize)
    {
        var estimator = Create(ml, textColumn, unit, maximumVocabularySize);
        var fitted = estimator.Fit(training);
        return new TransformerChain<ITransformer>(((IEnumerable<ITransformer>)fitted).ToArray());
    }

    /// <summary>The unfitted preprocessing (for schema propagation).</summary>
    /// <param name="ml">Context.</param>
    /// <param name="textColumn">Text column.</param>
    /// <param name="unit">Words or characters.</param>
    /// <param name="maximumVocabularySize">Keys kept.</param>
    public static IEstimator<ITransformer> Create(MLContext ml, string textColumn, TokenUnit unit, int maximumVocabularySize)
    {
        var text = ml.Transforms.Text;
        if (unit == TokenUnit.Words)
        {
            return text.NormalizeText(Normalized, textColumn, TextNormalizingEstimator.CaseMode.Lower, keepDiacritics: true, keepPunctuations: false, keepNumbers: true)
                .Append(text.TokenizeIntoWords(Pieces, Normalized))
                .Append(ml.Transforms.Conversion.MapValueToKey(TokenColumn, Pieces, maximumVocabularySize))
                .Append(ml.Transforms.DropColumns(Normalized, Pieces));
        }
        return text.NormalizeText(Normalized, textColumn, TextNormalizingEstimator.CaseMode.Lower, keepDiacritics: true, keepPunctuations: true, keepNumbers: true)
            .Append(text.TokenizeIntoCharactersAsKeys(CharacterKeys, Normalized, useMarkerCharacters: false))
            .Append(ml.Transforms.Conversion.MapKeyToValue(Pieces, CharacterKeys))
            .Append(ml.Transforms.Conversion.MapValueToKey(TokenColumn, Pieces, maximumVocabularySize))
            .Append(ml.Transforms.DropColumns(Normalized, CharacterKeys, Pieces));
    }

    /// <summary>V, the number of known tokens, read from a schema that has <see cref="TokenColumn"/>.</summary>
    /// <param name="schema">Output schema of the fitted vocabulary.</param>
    public static int VocabularySize(DataViewSchema schema) =>
        checked((int)((KeyDataViewType)((VectorDataViewType)schema[TokenColumn].Type).ItemType).Count);
}
