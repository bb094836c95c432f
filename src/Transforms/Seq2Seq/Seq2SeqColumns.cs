namespace MlNetDeep.Transforms;

/// <summary>
/// Temporary columns of a sequence-to-sequence scoring chain (<see cref="Seq2SeqScoringChain"/>). The ONNX file's input and
/// outputs carry the same names (ML.NET binds ONNX names to columns), and <see cref="JoinCharacterTokensFactory"/> and
/// <see cref="JoinWordTokensFactory"/> read and write exactly these, which keeps them stateless and so saveable.
/// </summary>
internal static class Seq2SeqColumns
{
    /// <summary>Source tokens as text, Vector&lt;String&gt; of variable length.</summary>
    public const string SourceTokens = "MlNetDeep_SourceTokens";

    /// <summary>Source characters as keys (the character tokenizer's output, before it becomes text).</summary>
    public const string SourceCharacterKeys = "MlNetDeep_SourceCharacterKeys";

    /// <summary>Source token ids, Vector&lt;Int64&gt; → the ONNX input int64 [1, S₀] (unknown tokens 0).</summary>
    public const string SourceIds = "MlNetDeep_SourceIds";

    /// <summary>ONNX output int64 [1, n, T]: the n hypotheses' token ids, each ending at its first EOS (EOS-padded).</summary>
    public const string TokenIds = "MlNetDeep_TokenIds";

    /// <summary>ONNX output float [1, n]: normalised scores, best first.</summary>
    public const string Scores = "MlNetDeep_Scores";

    /// <summary>ONNX output float [1, T, S]: attention of the best hypothesis (not read by the chain).</summary>
    public const string Attention = "MlNetDeep_Attention";

    /// <summary><see cref="TokenIds"/> as text (special ids as empty strings), Vector&lt;String&gt; of n·T items.</summary>
    public const string TokenText = "MlNetDeep_TokenText";

    /// <summary>The best hypothesis, detokenised (String).</summary>
    public const string Text = "MlNetDeep_Text";

    /// <summary>The best hypothesis' score (Single).</summary>
    public const string Score = "MlNetDeep_Score";

    /// <summary>The n hypotheses, best first, detokenised (Vector&lt;String&gt;).</summary>
    public const string NBest = "MlNetDeep_NBest";

    /// <summary>The n scores, best first (Vector&lt;Single&gt;).</summary>
    public const string NBestScores = "MlNetDeep_NBestScores";
}
