namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Names of a decoding graph's input and outputs (<see cref="BeamSearchGraph"/>). ML.NET binds ONNX inputs and outputs to
/// columns of the same name, so the estimator's file uses names no user column is likely to have; a reader without
/// ML.NET finds them in the file's metadata (docs/seq2seq-onnx-format.md).
/// </summary>
/// <param name="Source">int64 (N, S₀) token ids without EOS, PAD-padded.</param>
/// <param name="Tokens">int64 (N, n, T) hypotheses.</param>
/// <param name="Scores">float (N, n) normalised scores, best first.</param>
/// <param name="Attention">float (N, T, S) attention of the best hypothesis.</param>
internal sealed record Seq2SeqGraphNames(string Source, string Tokens, string Scores, string Attention)
{
    /// <summary>source, tokens, scores, attention.</summary>
    public static Seq2SeqGraphNames Plain { get; } = new("source", "tokens", "scores", "attention");
}
