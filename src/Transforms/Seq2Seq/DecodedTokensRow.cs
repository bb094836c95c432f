using System.ComponentModel;
using Microsoft.ML.Data;

namespace MlNetDeep.Transforms;

/// <summary>Input row of the token-joining mappings: n hypotheses of T tokens each, as text, and their n scores.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DecodedTokensRow
{
    /// <summary>n·T tokens, hypothesis after hypothesis; special ids (EOS padding, unknown) are empty strings.</summary>
    [ColumnName(Seq2SeqColumns.TokenText), VectorType]
    public string[] Tokens { get; set; } = [];

    /// <summary>n normalised scores, best first.</summary>
    [ColumnName(Seq2SeqColumns.Scores), VectorType]
    public float[] Scores { get; set; } = [];
}

/// <summary>Output row of the token-joining mappings.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DecodedTextRow
{
    /// <summary>The best hypothesis.</summary>
    [ColumnName(Seq2SeqColumns.Text)]
    public string Text { get; set; } = "";

    /// <summary>Its score.</summary>
    [ColumnName(Seq2SeqColumns.Score)]
    public float Score { get; set; }

    /// <summary>All n hypotheses, best first.</summary>
    [ColumnName(Seq2SeqColumns.NBest), VectorType]
    public string[] NBest { get; set; } = [];

    /// <summary>Their scores.</summary>
    [ColumnName(Seq2SeqColumns.NBestScores), VectorType]
    public float[] NBestScores { get; set; } = [];
}
