namespace MlNetDeep.Onnx.Export;

/// <summary>
/// The text input of a graph: ML.NET sends the token keys of one row as uint32 [N, S] (S varies from row to row,
/// and is 0 for an empty text); the graph turns them into exactly T int64 ids, padding shorter rows with the pad id
/// like the trainer does, and either truncating longer rows or failing on them.
/// </summary>
internal static class TokenInputGraph
{
    /// <summary>Adds the input and the pad/truncate (or pad/reject) nodes.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="inputName">Input name (the token column).</param>
    /// <param name="length">T, the fixed sequence length.</param>
    /// <param name="padId">Id written after the end of a shorter row.</param>
    /// <param name="rejectionNodeName">
    /// Null: rows longer than T keep their first T ids. Otherwise such rows are rejected: the node of this name fails
    /// for them, and ONNX Runtime names it in its error, so the name should say what went wrong.
    /// </param>
    /// <returns>Name of the int64 [N, T] ids.</returns>
    public static string Add(OnnxGraphBuilder graph, string inputName, int length, long padId, string? rejectionNodeName = null)
    {
        string keys = graph.AddInput(inputName, OnnxElementType.UInt32, "N", "S");
        string ids = graph.AddNode("Cast", [keys], OnnxAttribute.Int("to", (long)OnnxElementType.Int64));
        string shape = graph.AddNode("Shape", [ids]);
        string batch = graph.AddNode("Slice", [shape, graph.Constant([0L]), graph.Constant([1L])]);
        string padShape = graph.AddNode("Concat", [batch, graph.Constant([(long)length])], OnnxAttribute.Int("axis", 0));
        string pad = graph.AddNode("ConstantOfShape", [padShape], OnnxAttribute.Tensor("value", OnnxTensor.Int64("pad_value", [padId], 1)));
        if (rejectionNodeName is null)
        {
            // [N, S] ++ [N, T] of pad ids, then keep the first T columns: pads and truncates in one go, and S = 0 works.
            string padded = graph.AddNode("Concat", [ids, pad], OnnxAttribute.Int("axis", 1));
            return graph.AddNode("Slice", [padded, graph.Constant([0L]), graph.Constant([(long)length]), graph.Constant([1L])]);
        }
        // Pad only up to T: columns S..T of the pad block are [N, max(T − S, 0)] (Slice clamps a start past the end),
        // so [N, S] ++ tail is [N, max(S, T)]. Reshape to the fixed [N, T] then succeeds exactly when S ≤ T; for
        // S > T ONNX Runtime fails with the node's name and both shapes. The batch size comes from the input, never
        // −1: with −1, S = 2T would silently become 2N rows.
        string rowLength = graph.AddNode("Slice", [shape, graph.Constant([1L]), graph.Constant([2L])]);
        string tail = graph.AddNode("Slice", [pad, rowLength, graph.Constant([(long)length]), graph.Constant([1L])]);
        string exact = graph.AddNode("Concat", [ids, tail], OnnxAttribute.Int("axis", 1));
        return graph.AddNamedNode(rejectionNodeName, "Reshape", [exact, padShape]);
    }
}
