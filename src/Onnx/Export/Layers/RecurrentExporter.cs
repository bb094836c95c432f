using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// <see cref="Rnn"/>, <see cref="Lstm"/> and <see cref="Gru"/> (through their base <see cref="RecurrentLayer"/>) → the
/// native ONNX RNN, LSTM and GRU operators in layout 0 (ORT rejects layout 1): batch-first x (N, T, I) →
/// Transpose(perm 1,0,2) → one node per stacked layer → Y (T, dirs, N, H). Between stacked layers Y is brought back to
/// (T, N, dirs·H) with Transpose(perm 0,2,1,3) and Reshape(0,0,−1). W, R and B are copies of the engine's tensors (same
/// layout and gate order); initial states are absent (zero, as in the engine's default). Dropout between layers is the
/// identity at inference, so it emits nothing. As a module the layer outputs the top layer's sequence (N, T, dirs·H)
/// (<see cref="Sequence"/>); the encoders (<see cref="RecurrentEncoderExporter"/>, <see cref="TextRecurrentEncoderExporter"/>)
/// read the last layer's final state instead (<see cref="LastLayerFinalHidden"/>). Each entry point asks the nodes only
/// for the outputs it reads (ONNX leaves an optional output absent when its name is empty), so no node output goes unused.
/// </summary>
internal sealed class RecurrentExporter() : ModuleExporter<RecurrentLayer>(typeof(Rnn), typeof(Lstm), typeof(Gru))
{
    protected override string Export(OnnxGraphBuilder graph, RecurrentLayer layer, string input) => Sequence(graph, layer, input);

    /// <summary>The top layer's output sequence: Y (T, dirs, N, H) → Transpose(perm 2,0,1,3) → Reshape(0,0,−1) → (N, T, dirs·H).</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="layer">Layer to export.</param>
    /// <param name="input">Name of the (N, T, I) float input; every sequence has T steps.</param>
    public static string Sequence(OnnxGraphBuilder graph, RecurrentLayer layer, string input) =>
        BatchFirst(graph, AddLayers(graph, layer, input, null, sequence: true, lastHidden: false, allStates: false).Y);

    /// <summary>
    /// The last stacked layer's final hidden state as (N, dirs·H): its Y_h (dirs, N, H) → Transpose(perm 1,0,2)
    /// (N, dirs, H) → Reshape. Mirrors RecurrentLayer.LastLayerFinalHidden.
    /// </summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="layer">Layer to export.</param>
    /// <param name="input">Name of the (N, T, I) float input.</param>
    /// <param name="sequenceLengths">Name of an int32 (N) tensor of valid lengths in [1, T], or null when every sequence has T steps.</param>
    public static string LastLayerFinalHidden(OnnxGraphBuilder graph, RecurrentLayer layer, string input, string? sequenceLengths = null)
    {
        string yh = AddLayers(graph, layer, input, sequenceLengths, sequence: false, lastHidden: true, allStates: false).Hidden[^1];
        string batchFirst = graph.AddNode("Transpose", [yh], OnnxAttribute.Ints("perm", 1, 0, 2));
        return graph.AddNode("Reshape", [batchFirst, graph.Constant([0L, (long)layer.Directions * layer.HiddenSize])]);
    }

    /// <summary>
    /// Every output in the engine's layouts: the top layer's sequence (N, T, dirs·H) and the final states of every layer
    /// and direction, Concat(axis = 0) of the per-layer Y_h (and Y_c) into (layers·dirs, N, H).
    /// </summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="layer">Layer to export.</param>
    /// <param name="input">Name of the (N, T, I) float input.</param>
    /// <param name="sequenceLengths">Name of an int32 (N) tensor of valid lengths in [1, T], or null when every sequence has T steps.</param>
    public static RecurrentExportResult ExportAllOutputs(OnnxGraphBuilder graph, RecurrentLayer layer, string input, string? sequenceLengths = null)
    {
        var (y, hidden, cell) = AddLayers(graph, layer, input, sequenceLengths, sequence: true, lastHidden: true, allStates: true);
        return new RecurrentExportResult(BatchFirst(graph, y), StackLayers(graph, hidden), cell.Count == 0 ? null : StackLayers(graph, cell));
    }

    /// <summary>
    /// Appends the layer's recurrent nodes (inference), each asked only for the outputs a caller reads: Y of the layers
    /// below the top always (it feeds the next layer), the top layer's Y when <paramref name="sequence"/>, the top
    /// layer's Y_h when <paramref name="lastHidden"/>, and every layer's Y_h (and Y_c) when <paramref name="allStates"/>.
    /// </summary>
    /// <returns>Y (T, dirs, N, H) of the top layer (empty when not asked for); Y_h and Y_c (dirs, N, H) of the layers asked for.</returns>
    private static (string Y, List<string> Hidden, List<string> Cell) AddLayers(OnnxGraphBuilder graph, RecurrentLayer layer, string input,
        string? sequenceLengths, bool sequence, bool lastHidden, bool allStates)
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

        string x = graph.AddNode("Transpose", [input], OnnxAttribute.Ints("perm", 1, 0, 2)); // (T, N, I)
        string? mergeDirections = null;
        var hidden = new List<string>();
        var cell = new List<string>();
        string y = "";
        int top = layer.NumberOfLayers - 1;
        for (int l = 0; l <= top; l++)
        {
            if (l > 0)
            {
                mergeDirections ??= graph.Constant([0, 0, -1]);
                string tnd = graph.AddNode("Transpose", [y], OnnxAttribute.Ints("perm", 0, 2, 1, 3)); // (T, N, dirs, H)
                x = graph.AddNode("Reshape", [tnd, mergeDirections]);                                 // (T, N, dirs·H)
            }
            int inF = layer.LayerInputSize(l);
            string w = graph.AddInitializer(graph.UniqueName($"{prefix}_W"), layer.InputWeights[l].Span, dirs, gh, inF);
            string r = graph.AddInitializer(graph.UniqueName($"{prefix}_R"), layer.RecurrentWeights[l].Span, dirs, gh, h);
            string b = graph.AddInitializer(graph.UniqueName($"{prefix}_B"), layer.Biases[l].Span, dirs, 2 * gh);
            var inputs = new List<string> { x, w, r, b };
            if (sequenceLengths is not null) inputs.Add(sequenceLengths);

            // Outputs Y (T, dirs, N, H), Y_h (dirs, N, H) and, for an LSTM, Y_c (dirs, N, H); "" leaves one absent,
            // and absent trailing outputs are dropped.
            bool keepY = l < top || sequence, keepH = allStates || (l == top && lastHidden);
            bool keepC = allStates && layer.Cell == RecurrentCellKind.Lstm;
            var outputs = new List<string> { keepY ? graph.UniqueName(op) : "", keepH ? graph.UniqueName(op) : "" };
            if (keepC) outputs.Add(graph.UniqueName(op));
            while (outputs[^1].Length == 0) outputs.RemoveAt(outputs.Count - 1);
            graph.AddNodeWithOutputs(op, inputs, outputs, attributes.ToArray());
            y = outputs[0];
            if (keepH) hidden.Add(outputs[1]);
            if (keepC) cell.Add(outputs[2]);
        }
        return (y, hidden, cell);
    }

    private static string BatchFirst(OnnxGraphBuilder graph, string y)
    {
        string ntdh = graph.AddNode("Transpose", [y], OnnxAttribute.Ints("perm", 2, 0, 1, 3)); // (N, T, dirs, H)
        return graph.AddNode("Reshape", [ntdh, graph.Constant([0, 0, -1])]);                  // (N, T, dirs·H)
    }

    private static string StackLayers(OnnxGraphBuilder graph, List<string> perLayer) =>
        perLayer.Count == 1 ? perLayer[0] : graph.AddNode("Concat", perLayer, OnnxAttribute.Int("axis", 0));
}
