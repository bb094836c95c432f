using MlNetDeep.Engine.Models;

namespace MlNetDeep.Onnx.Export;

/// <summary>ONNX files of a trained <see cref="Seq2Seq"/>: the whole decoder (beam search in a Loop) and the standalone decoder step.</summary>
internal static class Seq2SeqOnnx
{
    /// <summary>
    /// One file that decodes (names as <paramref name="names"/> says): input <c>source</c> int64 (N, S₀) token ids without EOS, PAD-padded → <c>tokens</c> int64 (N, n, T), <c>scores</c> float (N, n),
    /// <c>attention</c> float (N, T, S); see <see cref="BeamSearchGraph"/>.
    /// </summary>
    /// <param name="model">Trained network.</param>
    /// <param name="settings">Decoding settings, fixed in the file.</param>
    /// <param name="options">Model options (opset, metadata), or null for the defaults.</param>
    /// <param name="description">Vocabularies and token units, written as metadata so the file is usable alone (or null).</param>
    /// <param name="names">Input and output names; null for <see cref="Seq2SeqGraphNames.Plain"/>.</param>
    public static byte[] BeamSearchModel(Seq2Seq model, BeamSearchSettings settings, OnnxModelOptions? options = null,
        Seq2SeqFileDescription? description = null, Seq2SeqGraphNames? names = null)
    {
        options ??= new OnnxModelOptions();
        names ??= Seq2SeqGraphNames.Plain;
        if (description is not null)
        {
            if (description.SourceTokens.Count + Seq2SeqTokens.Reserved != model.Spec.SourceVocabularySize
                || description.TargetTokens.Count + Seq2SeqTokens.Reserved != model.Spec.TargetVocabularySize)
                throw new ArgumentException($"The description's vocabularies ({description.SourceTokens.Count} and {description.TargetTokens.Count} tokens) " +
                    $"do not match the network's ({model.Spec.SourceVocabularySize} and {model.Spec.TargetVocabularySize} ids, {Seq2SeqTokens.Reserved} of them reserved).", nameof(description));
            description.AddTo(options, settings, names);
        }
        return OnnxModelWriter.Write(BeamSearchGraph.Build(model, settings, names), options);
    }

    /// <summary>
    /// The decoder step alone, for runtimes that drive their own search: inputs <c>tokens</c> int64 (B), <c>hidden</c>
    /// (1, B, H) [, <c>cell</c> (1, B, H)] [, <c>attentional</c> (B, H)], <c>encoder_outputs</c> (B, S, He), <c>keys</c>
    /// (B, S, A) (additive attention only), <c>mask</c> (B, S) (0 on the source, −1e9 on padding) → <c>log_probs</c> (B, V),
    /// <c>hidden_out</c> [, <c>cell_out</c>], <c>attentional_out</c> (B, H), <c>attention</c> (B, 1, S). The nodes are
    /// those of the beam-search loop body (<see cref="DecoderStepGraph"/>).
    /// </summary>
    /// <param name="model">Trained network.</param>
    /// <param name="options">Model options, or null for the defaults.</param>
    public static byte[] DecoderStepModel(Seq2Seq model, OnnxModelOptions? options = null)
    {
        var spec = model.Spec;
        var g = new OnnxGraphBuilder("seq2seq_decoder_step");
        OnnxDim b = "B", s = "S";
        string tokens = g.AddInput("tokens", OnnxElementType.Int64, b);
        string hidden = g.AddInput("hidden", OnnxElementType.Float, 1, b, spec.DecoderSize);
        string? cell = spec.Cell == RecurrentCellKind.Lstm ? g.AddInput("cell", OnnxElementType.Float, 1, b, spec.DecoderSize) : null;
        string? feed = spec.InputFeeding ? g.AddInput("attentional", OnnxElementType.Float, b, spec.DecoderSize) : null;
        string encoder = g.AddInput("encoder_outputs", OnnxElementType.Float, b, s, spec.EncoderOutputSize);
        string keys = model.Attention.KeyProjection is { } projection
            ? g.AddInput("keys", OnnxElementType.Float, b, s, projection.OutFeatures)
            : encoder;
        string mask = g.AddInput("mask", OnnxElementType.Float, b, s);
        var source = new StepSource(encoder, g.AddNode("Transpose", [encoder], OnnxAttribute.Ints("perm", 0, 2, 1)), keys,
            g.AddNode("Unsqueeze", [mask, g.Constant([1L])]));
        var step = DecoderStepGraph.Add(g, DecoderStepWeights.Add(g, model), tokens, hidden, cell, feed, source);
        Output(g, step.LogProbabilities, "log_probs", OnnxElementType.Float, b, spec.TargetVocabularySize);
        Output(g, step.Hidden, "hidden_out", OnnxElementType.Float, 1, b, spec.DecoderSize);
        if (step.Cell is not null) Output(g, step.Cell, "cell_out", OnnxElementType.Float, 1, b, spec.DecoderSize);
        Output(g, step.Attentional, "attentional_out", OnnxElementType.Float, b, spec.DecoderSize);
        Output(g, step.Weights, "attention", OnnxElementType.Float, b, 1, s);
        return OnnxModelWriter.Write(g, options ?? new OnnxModelOptions());
    }

    private static void Output(OnnxGraphBuilder g, string value, string name, OnnxElementType type, params OnnxDim[] dims)
    {
        g.AddNodeWithOutputs("Identity", [value], [name]);
        g.AddOutput(name, type, dims);
    }
}
