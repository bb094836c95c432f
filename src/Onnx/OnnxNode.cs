namespace MlNetDeep.Onnx;

/// <summary>
/// A node as recorded by <see cref="OnnxGraphBuilder"/>.
/// </summary>
/// <param name="Name">Unique node name.</param>
/// <param name="OpType">Operator type, e.g. <c>"Gemm"</c>.</param>
/// <param name="Domain">Operator domain; empty for the default <c>ai.onnx</c> domain.</param>
/// <param name="Inputs">Input value names; <c>""</c> marks an absent optional input.</param>
/// <param name="Outputs">Output value names; <c>""</c> marks an absent optional output.</param>
/// <param name="Attributes">Attributes.</param>
internal sealed record OnnxNode(
    string Name,
    string OpType,
    string Domain,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<OnnxAttribute> Attributes);
