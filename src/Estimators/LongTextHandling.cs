namespace MlNetDeep;

/// <summary>
/// What a <see cref="TextClassifier"/> does with a text of more tokens than <see cref="TextClassifier.Options.MaximumLength"/>
/// (tokens are counted after normalisation: lower-cased words without punctuation, or characters).
/// </summary>
public enum LongTextHandling
{
    /// <summary>Keep the first MaximumLength tokens and ignore the rest, in Fit and at scoring.</summary>
    Truncate,

    /// <summary>
    /// Fail instead of reading part of a text. Fit throws <see cref="InvalidOperationException"/> on the first such
    /// training or validation text (naming the column, the row and its token count) before any training starts.
    /// Scoring such a text throws from ONNX Runtime, whose message names the graph node
    /// "{TextColumnName}_has_more_than_{MaximumLength}_tokens_LongerTexts_Reject" and both shapes.
    /// </summary>
    Reject,
}
