namespace MlNetDeep.Transforms;

/// <summary>What a sequence-to-sequence scoring chain needs besides the ONNX file.</summary>
/// <param name="SourceColumn">Input String column.</param>
/// <param name="SourceUnit">How the source is cut.</param>
/// <param name="TargetUnit">How output tokens are joined.</param>
/// <param name="SourceVocabulary">Source tokens in id order: token i has id <paramref name="FirstTokenId"/> + i.</param>
/// <param name="TargetVocabulary">Target tokens in id order, likewise.</param>
/// <param name="FirstTokenId">Id of the first vocabulary token; the ids below it are special (unknown, pad, BOS, EOS).</param>
/// <param name="PredictedTextColumn">Output String column.</param>
/// <param name="ScoreColumn">Output Single column (best hypothesis' score).</param>
/// <param name="NBestColumn">Output Vector&lt;String&gt; of the n best hypotheses, or null.</param>
/// <param name="NBestScoresColumn">Output Vector&lt;Single&gt; of their scores, or null.</param>
/// <param name="AttentionColumn">Output Vector&lt;Single&gt; of the best hypothesis' attention, T·(S + 1) values, or null.</param>
internal sealed record Seq2SeqScoringSettings(string SourceColumn, TokenUnit SourceUnit, TokenUnit TargetUnit,
    IReadOnlyList<string> SourceVocabulary, IReadOnlyList<string> TargetVocabulary, int FirstTokenId,
    string PredictedTextColumn, string ScoreColumn, string? NBestColumn, string? NBestScoresColumn, string? AttentionColumn)
{
    /// <summary>token → id for MapValue; tokens not listed map to the default, 0, the unknown id.</summary>
    public IEnumerable<KeyValuePair<string, long>> SourceIds() =>
        SourceVocabulary.Select((token, i) => new KeyValuePair<string, long>(token, FirstTokenId + i));

    /// <summary>
    /// id → token for MapValue, the special ids as empty strings (EOS padding and unknown tokens vanish when joined), and
    /// characters as themselves (the vocabulary holds ML.NET's names for some, e.g. "&lt;␠&gt;" for a space).
    /// </summary>
    public IEnumerable<KeyValuePair<long, string>> TargetTokens() =>
        Enumerable.Range(0, FirstTokenId).Select(id => new KeyValuePair<long, string>(id, ""))
            .Concat(TargetVocabulary.Select((token, i) => new KeyValuePair<long, string>(FirstTokenId + i,
                TargetUnit == TokenUnit.Characters ? CharacterTokens.ToCharacter(token) : token)));
}
