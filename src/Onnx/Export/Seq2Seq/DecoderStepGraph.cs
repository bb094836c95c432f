using MlNetDeep.Engine;

namespace MlNetDeep.Onnx.Export;

/// <summary>Values the decoder step reads about the source (rows already repeated per beam).</summary>
/// <param name="Encoder">(B, S, He) encoder outputs.</param>
/// <param name="EncoderTransposed">(B, He, S), for dot and general scores.</param>
/// <param name="Keys">(B, S, A) projected keys for additive scores, otherwise the encoder outputs.</param>
/// <param name="Mask">(B, 1, S) additive mask: 0 on the source, −1e9 on padding.</param>
internal sealed record StepSource(string Encoder, string EncoderTransposed, string Keys, string Mask);

/// <summary>Names produced by one decoder step.</summary>
/// <param name="LogProbabilities">(B, V) log softmax of the logits.</param>
/// <param name="Hidden">(1, B, H) state after the step.</param>
/// <param name="Cell">(1, B, H) LSTM cell after the step, or null.</param>
/// <param name="Attentional">(B, H) attentional vector ã (fed back with input feeding).</param>
/// <param name="Weights">(B, 1, S) attention weights.</param>
internal sealed record StepOutputs(string LogProbabilities, string Hidden, string? Cell, string Attentional, string Weights);

/// <summary>
/// The decoder step of <see cref="Engine.Models.Seq2Seq.Step"/> as ONNX nodes, written once and used both inside the
/// beam-search <c>Loop</c> body and in the standalone step graph: Gather(embedding, tokens) [‖ previous ã] →
/// Unsqueeze → GRU/LSTM/RNN with initial state (one step) → q = Squeeze(Y_h) (B, H) → scores (B, 1, S) (dot:
/// q·encᵀ; general: (W q)·encᵀ; additive: (tanh(keys + W_q q))·v) → + mask → Softmax → context = w·enc (B, He) →
/// ã = tanh(Gemm([q; context], W_c, b_c)) → LogSoftmax(Gemm(ã, W_o, b_o)).
/// </summary>
internal static class DecoderStepGraph
{
    /// <summary>Appends one decoder step to <paramref name="graph"/>.</summary>
    /// <param name="graph">Main graph or loop body.</param>
    /// <param name="weights">Initializer names from the main graph.</param>
    /// <param name="tokens">(B) int64 previous tokens.</param>
    /// <param name="hidden">(1, B, H) state.</param>
    /// <param name="cell">(1, B, H) LSTM cell, or null.</param>
    /// <param name="feed">(B, H) previous ã with input feeding, otherwise null.</param>
    /// <param name="source">Encoder values.</param>
    public static StepOutputs Add(OnnxGraphBuilder graph, DecoderStepWeights weights, string tokens, string hidden, string? cell, string? feed, StepSource source)
    {
        var model = weights.Model;
        int h = model.Spec.DecoderSize;
        string x = graph.AddNode("Gather", [weights.TargetEmbedding, tokens], OnnxAttribute.Int("axis", 0)); // (B, E)
        if (feed is not null) x = graph.AddNode("Concat", [x, feed], OnnxAttribute.Int("axis", 1));          // (B, E + H)
        string sequence = graph.AddNode("Unsqueeze", [x, graph.Constant([0L])]);                              // (1, B, I)

        string op = model.Spec.Cell switch { RecurrentCellKind.Lstm => "LSTM", RecurrentCellKind.Gru => "GRU", _ => "RNN" };
        var attributes = new List<OnnxAttribute> { OnnxAttribute.Int("hidden_size", h) };
        if (op == "GRU") attributes.Add(OnnxAttribute.Int("linear_before_reset", 1));
        var inputs = new List<string> { sequence, weights.DecoderW, weights.DecoderR, weights.DecoderB, "", hidden };
        if (cell is not null) inputs.Add(cell);
        string newHidden = graph.UniqueName(op.ToLowerInvariant() + "_h");
        string? newCell = cell is null ? null : graph.UniqueName("lstm_c");
        var outputs = new List<string> { "", newHidden };
        if (newCell is not null) outputs.Add(newCell);
        graph.AddNodeWithOutputs(op, inputs, outputs, attributes.ToArray());
        string query = graph.AddNode("Squeeze", [newHidden, graph.Constant([0L])]);                            // (B, H)

        string scores = model.Spec.Attention switch
        {
            AttentionKind.Dot => Unsqueezed(graph, query, source.EncoderTransposed),
            AttentionKind.General => Unsqueezed(graph, Gemm(graph, query, weights.QueryProjection!, null), source.EncoderTransposed),
            _ => AdditiveScores(graph, weights, query, source.Keys),
        };
        string attention = graph.AddNode("Softmax", [graph.AddNode("Add", [scores, source.Mask])], OnnxAttribute.Int("axis", -1)); // (B, 1, S)
        string context = graph.AddNode("Squeeze", [graph.AddNode("MatMul", [attention, source.Encoder]), graph.Constant([1L])]); // (B, He)
        string joined = graph.AddNode("Concat", [query, context], OnnxAttribute.Int("axis", 1));
        string attentional = graph.AddNode("Tanh", [Gemm(graph, joined, weights.CombineWeight, weights.CombineBias)]);        // (B, H)
        string logits = Gemm(graph, attentional, weights.OutputWeight, weights.OutputBias);                                  // (B, V)
        string logp = graph.AddNode("LogSoftmax", [logits], OnnxAttribute.Int("axis", 1));
        return new StepOutputs(logp, newHidden, newCell, attentional, attention);
    }

    /// <summary>(B, D) query · (B, D, S) transposed keys → (B, 1, S).</summary>
    private static string Unsqueezed(OnnxGraphBuilder graph, string query, string keysTransposed) =>
        graph.AddNode("MatMul", [graph.AddNode("Unsqueeze", [query, graph.Constant([1L])]), keysTransposed]);

    /// <summary>tanh(keys (B, S, A) + W_q q (B, 1, A)) · v (A, 1) → (B, S, 1) → (B, 1, S).</summary>
    private static string AdditiveScores(OnnxGraphBuilder graph, DecoderStepWeights weights, string query, string keys)
    {
        string projected = graph.AddNode("Unsqueeze", [Gemm(graph, query, weights.QueryProjection!, null), graph.Constant([1L])]);
        string hidden = graph.AddNode("Tanh", [graph.AddNode("Add", [keys, projected])]);
        string scores = graph.AddNode("MatMul", [hidden, weights.ScoreVector!]);
        return graph.AddNode("Transpose", [scores], OnnxAttribute.Ints("perm", 0, 2, 1));
    }

    private static string Gemm(OnnxGraphBuilder graph, string x, string weight, string? bias) =>
        graph.AddNode("Gemm", bias is null ? [x, weight] : [x, weight, bias], OnnxAttribute.Int("transB", 1));
}
