namespace MlNetDeep.Onnx.Export;

/// <summary>
/// The text input of a graph: ML.NET sends the token keys of one row as uint32 [N, S] (S varies from row to row,
/// and is 0 for an empty text); the graph turns them into exactly T int64 ids, truncating longer rows and padding
/// shorter ones with the pad id, like the trainer does.
/// </summary>
public static class TokenInputGraph
{
    /// <summary>Adds the input and the pad/truncate nodes.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="inputName">Input name (the token column).</param>
    /// <param name="length">T, the fixed sequence length.</param>
    /// <param name="padId">Id written after the end of a shorter row.</param>
    /// <returns>Name of the int64 [N, T] ids.</returns>
    public static string Add(OnnxGraphBuilder graph, string inputName, int length, long padId)
    {
        string keys = graph.AddInput(inputName, OnnxElementType.UInt32, "N", "S");
        string ids = graph.AddNode("Cast", [keys], OnnxAttribute.Int("to", (long)OnnxElementType.Int64));
        // [N, S] ++ [N, T] of pad ids, then keep the first T columns: pads and truncates in one go, and S = 0 works.
        string batch = graph.AddNode("Slice", [graph.AddNode("Shape", [ids]), graph.Constant([0L]), graph.Constant([1L])]);
        string padShape = graph.AddNode("Concat", [batch, graph.Constant([(long)length])], OnnxAttribute.Int("axis", 0));
        string pad = graph.AddNode("ConstantOfShape", [padShape], OnnxAttribute.Tensor("value", OnnxTensor.Int64("pad_value", [padId], 1)));
        string padded = graph.AddNode("Concat", [ids, pad], OnnxAttribute.Int("axis", 1));
        return graph.AddNode("Slice", [padded, graph.Constant([0L]), graph.Constant([(long)length]), graph.Constant([1L])]);
    }
}
