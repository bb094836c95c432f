using System.Globalization;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>
/// The two halves of <see cref="LongTextHandling.Reject"/>, worded for users: the data scan's message in Fit, and the
/// name of the graph node that fails at scoring (ONNX Runtime quotes a failing node's name in its error).
/// </summary>
internal static class LongTextRejection
{
    /// <summary>What the data scan needs to reject a longer text in Fit, or null when texts are truncated.</summary>
    public static LongRowRejection? ForFit(TextClassifier.Options options) => options.LongerTexts != LongTextHandling.Reject ? null
        : new LongRowRejection(options.TextColumnName, string.Create(CultureInfo.InvariantCulture,
            $"{nameof(TextClassifier.Options.LongerTexts)} is {nameof(LongTextHandling.Reject)}: set {nameof(TextClassifier.Options.LongerTexts)} = " +
            $"{nameof(LongTextHandling.Truncate)} to keep the first {options.MaximumLength} tokens, or raise {nameof(TextClassifier.Options.MaximumLength)}."));

    /// <summary>E.g. "Text_has_more_than_64_tokens_LongerTexts_Reject", or null when texts are truncated.</summary>
    public static string? NodeName(TextClassifier.Options options) => options.LongerTexts != LongTextHandling.Reject ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"{options.TextColumnName}_has_more_than_{options.MaximumLength}_tokens_{nameof(TextClassifier.Options.LongerTexts)}_{nameof(LongTextHandling.Reject)}");
}
