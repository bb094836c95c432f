namespace MlNetDeep.Onnx.Export;

/// <summary>
/// A check inside a graph that stops the run with a readable error: ONNX has no assert operator, but ONNX Runtime quotes
/// the name of a failing node in its error, so a node named after the problem (e.g. "Size_has_an_image_smaller_than_4x4…")
/// that fails exactly when the check does tells a user of the ONNX file alone what went wrong (the text classifier's
/// LongerTexts = Reject uses the same idea, see <see cref="TokenInputGraph"/>).
/// </summary>
internal static class NamedCheckGraph
{
    /// <summary>
    /// Adds a Reshape named <paramref name="nodeName"/> that fails when any element of <paramref name="violations"/> is true.
    /// Its output is an empty int64 [0] that the caller must join into the data path it guards (e.g. Concat it into a
    /// shape): that keeps the check ahead of the guarded value and leaves no dead node.
    /// </summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="violations">bool tensor of any shape with at least one element; true where the check fails.</param>
    /// <param name="nodeName">Name of the failing node: says what is wrong, in words (ONNX Runtime prints it as is).</param>
    /// <returns>Name of the int64 [0] value.</returns>
    public static string Add(OnnxGraphBuilder graph, string violations, string nodeName)
    {
        // any = max over every element of Cast(violations, int64), kept as [1, …, 1]: 0 when all hold, 1 when one fails
        // (ReduceMax takes its axes as an attribute up to opset 17; none = all axes). Reshaped to [1], a 1-D shape.
        string flags = graph.AddNode("Cast", [violations], OnnxAttribute.Int("to", (long)OnnxElementType.Int64));
        string any = graph.AddNode("ReduceMax", [flags], OnnxAttribute.Int("keepdims", 1));
        string count = graph.AddNode("Reshape", [any, graph.Constant([1L])]);
        // int64 [any] of zeros: [0] when the check holds, [1] when it fails. The clamp to 0/1 above keeps it one element.
        string marker = graph.AddNode("ConstantOfShape", [count], OnnxAttribute.Tensor("value", OnnxTensor.Int64("check_value", [0L], 1)));
        // Reshape to [0] with allowzero = 1 (0 is a real size here, not "copy the input's dimension"): succeeds for the
        // empty [0], and for [1] ONNX Runtime fails with this node's name and both shapes.
        return graph.AddNamedNode(nodeName, "Reshape", [marker, graph.Constant([0L])], OnnxAttribute.Int("allowzero", 1));
    }
}
