using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Names of the values a recurrent layer's export produces.</summary>
/// <param name="Output">(N, T, dirs·H) float: the top layer's hidden state at every step, zero past each sequence length.</param>
/// <param name="FinalHidden">(layers·dirs, N, H) float: the last valid state of every layer and direction (engine order).</param>
/// <param name="FinalCell">(layers·dirs, N, H) float for an LSTM, null otherwise.</param>
public sealed record RecurrentExportResult(string Output, string FinalHidden, string? FinalCell);

/// <summary>
/// Exports <see cref="Rnn"/>, <see cref="Lstm"/> and <see cref="Gru"/> with the native ONNX RNN, LSTM and GRU operators
/// in layout 0 (ORT rejects layout 1): batch-first x (N, T, I) → Transpose(perm 1,0,2) → one node per stacked layer
/// → Y (T, dirs, N, H) → Transpose(perm 2,0,1,3) → Reshape(0,0,−1) → (N, T, dirs·H). Between stacked layers Y is
/// brought back to (T, N, dirs·H) with Transpose(perm 0,2,1,3) and Reshape(0,0,−1). W, R and B are copies of the
/// engine's tensors (same layout and gate order); initial states are absent (zero, as in the engine's default).
/// Dropout between layers is the identity at inference, so it emits nothing.
/// </summary>
public static class RecurrentExport
{
    /// <summary>Appends the layer's inference computation to <paramref name="graph"/>.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="layer">Layer to export.</param>
    /// <param name="input">Name of the (N, T, I) float input.</param>
    /// <param name="sequenceLengths">Name of an int32 (N) tensor of valid lengths in [1, T], or null when every sequence has T steps.</param>
    /// <returns>The output names.</returns>
    public static RecurrentExportResult Export(OnnxGraphBuilder graph, RecurrentLayer layer, string input, string? sequenceLengths = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(layer);
        string op = layer.Cell switch
        {
            RecurrentCellKind.Rnn => "RNN",
            RecurrentCellKind.Lstm => "LSTM",
            RecurrentCellKind.Gru => "GRU",
            _ => throw new NotSupportedException($"{layer.GetType().Name}: cell {layer.Cell} cannot be exported to ONNX."),
        };
        string prefix = op.ToLowerInvariant();
        int dirs = layer.Directions, h = layer.HiddenSize, gh = Ops.GateCount(layer.Cell) * h;
        var attributes = new List<OnnxAttribute>
        {
            OnnxAttribute.Int("hidden_size", h),
            OnnxAttribute.String("direction", layer.Bidirectional ? "bidirectional" : "forward"),
        };
        // Always written: the engine's GRU is the linear_before_reset = 1 form (ONNX's default is 0).
        if (layer.Cell == RecurrentCellKind.Gru) attributes.Add(OnnxAttribute.Int("linear_before_reset", 1));
        // Tanh is ONNX's default; ReLU needs one entry per direction. Only written when not default (CUDA EP keeps defaults).
        if (layer.Cell == RecurrentCellKind.Rnn && layer.Activation == RnnActivation.Relu)
            attributes.Add(OnnxAttribute.Strings("activations", Enumerable.Repeat("Relu", dirs).ToArray()));

        string reshapeLast = graph.Constant([0, 0, -1]);
        string x = graph.AddNode("Transpose", [input], OnnxAttribute.Ints("perm", 1, 0, 2)); // (T, N, I)
        var finalHidden = new List<string>();
        var finalCell = new List<string>();
        string y = "";
        for (int l = 0; l < layer.NumberOfLayers; l++)
        {
            if (l > 0)
            {
                string tnd = graph.AddNode("Transpose", [y], OnnxAttribute.Ints("perm", 0, 2, 1, 3)); // (T, N, dirs, H)
                x = graph.AddNode("Reshape", [tnd, reshapeLast]);                                     // (T, N, dirs·H)
            }
            int inF = layer.LayerInputSize(l);
            string w = graph.AddInitializer(graph.UniqueName($"{prefix}_W"), layer.InputWeights[l].Span, dirs, gh, inF);
            string r = graph.AddInitializer(graph.UniqueName($"{prefix}_R"), layer.RecurrentWeights[l].Span, dirs, gh, h);
            string b = graph.AddInitializer(graph.UniqueName($"{prefix}_B"), layer.Biases[l].Span, dirs, 2 * gh);
            var inputs = new List<string> { x, w, r, b };
            if (sequenceLengths is not null) inputs.Add(sequenceLengths);
            int outputs = layer.Cell == RecurrentCellKind.Lstm ? 3 : 2;
            string[] results = graph.AddNode(op, inputs, outputs, attributes.ToArray());
            y = results[0];                 // (T, dirs, N, H)
            finalHidden.Add(results[1]);    // (dirs, N, H)
            if (outputs == 3) finalCell.Add(results[2]);
        }

        string ntdh = graph.AddNode("Transpose", [y], OnnxAttribute.Ints("perm", 2, 0, 1, 3)); // (N, T, dirs, H)
        string output = graph.AddNode("Reshape", [ntdh, reshapeLast]);                          // (N, T, dirs·H)
        return new RecurrentExportResult(output, Concat(graph, finalHidden), finalCell.Count == 0 ? null : Concat(graph, finalCell));
    }

    private static string Concat(OnnxGraphBuilder graph, List<string> parts) =>
        parts.Count == 1 ? parts[0] : graph.AddNode("Concat", parts, OnnxAttribute.Int("axis", 0));

    /// <summary>
    /// The last stacked layer's final hidden state as (N, dirs·H): Slice of Y_h (layers·dirs, N, H) → Transpose
    /// (N, dirs, H) → Reshape. Mirrors RecurrentLayer.LastLayerFinalHidden.
    /// </summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="layer">The exported layer.</param>
    /// <param name="result">What <see cref="Export"/> returned for it.</param>
    public static string LastLayerFinalHidden(OnnxGraphBuilder graph, RecurrentLayer layer, RecurrentExportResult result)
    {
        int dirs = layer.Directions;
        long first = (layer.NumberOfLayers - 1) * (long)dirs;
        string last = graph.AddNode("Slice", [result.FinalHidden, graph.Constant([first]), graph.Constant([first + dirs]), graph.Constant([0L])]);
        string batchFirst = graph.AddNode("Transpose", [last], OnnxAttribute.Ints("perm", 1, 0, 2));
        return graph.AddNode("Reshape", [batchFirst, graph.Constant([0L, (long)dirs * layer.HiddenSize])]);
    }
}
