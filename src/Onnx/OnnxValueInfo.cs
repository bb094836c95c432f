namespace MlNetDeep.Onnx;

/// <summary>
/// A typed tensor value declaration (graph input, output or value_info entry).
/// </summary>
/// <param name="Name">Value name.</param>
/// <param name="ElementType">Element type.</param>
/// <param name="Dims">Shape, or null when the shape (even the rank) is unknown.</param>
internal sealed record OnnxValueInfo(string Name, OnnxElementType ElementType, IReadOnlyList<OnnxDim>? Dims);
