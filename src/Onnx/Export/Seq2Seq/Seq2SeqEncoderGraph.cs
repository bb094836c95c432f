using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;

namespace MlNetDeep.Onnx.Export;

/// <summary>Names produced by the encoder part of a sequence-to-sequence graph (N sources, not yet repeated per beam).</summary>
/// <param name="Outputs">(N, S, He) encoder outputs (zero on padding).</param>
/// <param name="Keys">(N, S, A) projected keys for additive attention, otherwise <paramref name="Outputs"/>.</param>
/// <param name="Mask">(N, S) additive mask: 0 on the source, −1e9 on padding.</param>
/// <param name="Hidden">(1, N, Hd) decoder initial state.</param>
/// <param name="Cell">(1, N, Hd) decoder initial LSTM cell, or null.</param>
/// <param name="SourceTokens">(N) int64 source tokens without the final EOS.</param>
/// <param name="Source">(N, S) int64 ids with EOS written after each row's tokens.</param>
internal sealed record EncodedSourceNames(string Outputs, string Keys, string Mask, string Hidden, string? Cell, string SourceTokens, string Source);

/// <summary>
/// <see cref="Seq2Seq.Encode"/> as ONNX nodes: EOS written after each row's tokens (the input has none, so an empty text is an
/// empty row and ML.NET's MapValue output feeds the graph as it is); mask = src ≠ PAD; lengths = Σ mask (int32, the RNN's sequence_lens);
/// Gather(embedding) → the encoder's RNN/LSTM/GRU layers (<see cref="RecurrentExporter.ExportAllOutputs"/>) → outputs
/// and the top layer's final states → the bridge (bidirectional: [forward; backward] concatenated, (1, N, 2H)).
/// </summary>
internal static class Seq2SeqEncoderGraph
{
    /// <summary>Appends the encoder to <paramref name="graph"/>.</summary>
    /// <param name="graph">Main graph.</param>
    /// <param name="model">Trained network.</param>
    /// <param name="tokens">(N, S₀) int64 token ids without EOS, right-padded with PAD.</param>
    public static EncodedSourceNames Add(OnnxGraphBuilder graph, Seq2Seq model, string tokens)
    {
        var embedding = model.SourceEmbedding;
        string pad = graph.ScalarConstant((long)Seq2SeqTokens.Pad);
        string tokenCount = graph.AddNode("ReduceSum", [graph.AddNode("Cast", [graph.AddNode("Not", [graph.AddNode("Equal", [tokens, pad])])],
            OnnxAttribute.Int("to", (long)OnnxElementType.Int64)), graph.Constant([1L])], OnnxAttribute.Int("keepdims", 0)); // (N)
        // source (N, S = S₀ + 1): a PAD column appended, then EOS at position tokenCount of each row.
        string padColumn = graph.AddNode("Expand", [pad, graph.AddNode("Concat", [graph.AddNode("Slice", [graph.AddNode("Shape", [tokens]), graph.Constant([0L]), graph.Constant([1L])]), graph.Constant([1L])], OnnxAttribute.Int("axis", 0))]);
        string widened = graph.AddNode("Concat", [tokens, padColumn], OnnxAttribute.Int("axis", 1));
        string positions = graph.AddNode("Range", [graph.ScalarConstant(0L), graph.AddNode("Squeeze", [graph.AddNode("Slice", [graph.AddNode("Shape", [widened]), graph.Constant([1L]), graph.Constant([2L])]), graph.Constant([0L])]), graph.ScalarConstant(1L)]);
        string atEnd = graph.AddNode("Equal", [positions, graph.AddNode("Unsqueeze", [tokenCount, graph.Constant([1L])])]);     // (N, S)
        string source = graph.AddNode("Where", [atEnd, graph.ScalarConstant((long)Seq2SeqTokens.Eos), widened]);
        string notPad = graph.AddNode("Not", [graph.AddNode("Equal", [source, pad])]);
        string lengths = graph.AddNode("Add", [tokenCount, graph.ScalarConstant(1L)]);                                 // (N) with EOS
        string mask = graph.AddNode("Where", [notPad, graph.ScalarConstant(0f), graph.ScalarConstant(Ops.AttentionMaskValue)]);
        string table = graph.AddInitializer(graph.UniqueName("source_embedding"), embedding.Weight.Span, embedding.VocabularySize, embedding.EmbeddingSize);
        string embedded = graph.AddNode("Gather", [table, source], OnnxAttribute.Int("axis", 0));                     // (N, S, E)
        var encoder = model.Encoder;
        var run = RecurrentExporter.ExportAllOutputs(graph, encoder, embedded,
            graph.AddNode("Cast", [lengths], OnnxAttribute.Int("to", (long)OnnxElementType.Int32)));
        int dirs = encoder.Directions, top = (encoder.NumberOfLayers - 1) * dirs;
        int h = encoder.HiddenSize;
        string hidden = Bridge(graph, TopLayer(graph, run.FinalHidden, top, dirs), dirs, h);
        string? cell = run.FinalCell is null ? null : Bridge(graph, TopLayer(graph, run.FinalCell, top, dirs), dirs, h);

        string keys = run.Output;
        if (model.Attention.KeyProjection is { } projection)
        {
            // keys = enc (N, S, He) · W_kᵀ (He, A) + b
            int a = projection.OutFeatures, he = projection.InFeatures;
            var transposed = new float[he * a];
            var w = projection.Weight.Span;
            for (int i = 0; i < a; i++) for (int j = 0; j < he; j++) transposed[j * a + i] = w[i * he + j];
            string wt = graph.AddInitializer(graph.UniqueName("attention_key_weight"), transposed, he, a);
            string bias = graph.AddInitializer(graph.UniqueName("attention_key_bias"), projection.Bias!.Span, a);
            keys = graph.AddNode("Add", [graph.AddNode("MatMul", [run.Output, wt]), bias]);
        }
        return new EncodedSourceNames(run.Output, keys, mask, hidden, cell, tokenCount, source);
    }

    private static string TopLayer(OnnxGraphBuilder graph, string states, int top, int dirs) => top == 0 ? states
        : graph.AddNode("Slice", [states, graph.Constant([(long)top]), graph.Constant([(long)(top + dirs)]), graph.Constant([0L])]);

    /// <summary>(dirs, N, H) → (1, N, dirs·H): unchanged for one direction, else [forward; backward] (Transpose → Reshape).</summary>
    private static string Bridge(OnnxGraphBuilder graph, string states, int dirs, int h) => dirs == 1 ? states
        : graph.AddNode("Reshape", [graph.AddNode("Transpose", [states], OnnxAttribute.Ints("perm", 1, 0, 2)), graph.Constant([1L, -1L, 2L * h])]);
}
