namespace MlNetDeep.Onnx;

/// <summary>
/// The kind of an <see cref="OnnxAttribute"/>; the numeric values are the ONNX <c>AttributeProto.AttributeType</c> wire values.
/// </summary>
internal enum OnnxAttributeKind
{
    /// <summary>A single float.</summary>
    Float = 1,
    /// <summary>A single int64.</summary>
    Int = 2,
    /// <summary>A single (UTF-8) string.</summary>
    String = 3,
    /// <summary>A tensor.</summary>
    Tensor = 4,
    /// <summary>A subgraph.</summary>
    Graph = 5,
    /// <summary>A list of floats.</summary>
    Floats = 6,
    /// <summary>A list of int64.</summary>
    Ints = 7,
    /// <summary>A list of strings.</summary>
    Strings = 8,
}
