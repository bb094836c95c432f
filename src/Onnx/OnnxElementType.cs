namespace MlNetDeep.Onnx;

/// <summary>
/// ONNX tensor element types (the <c>TensorProto.DataType</c> enumeration); the numeric values are the wire values.
/// </summary>
public enum OnnxElementType
{
    /// <summary>32-bit IEEE float.</summary>
    Float = 1,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,
    /// <summary>Byte string.</summary>
    String = 8,
    /// <summary>Boolean, one byte per element.</summary>
    Bool = 9,
    /// <summary>16-bit IEEE float.</summary>
    Float16 = 10,
    /// <summary>64-bit IEEE float.</summary>
    Double = 11,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,
    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,
}

/// <summary>Helpers for <see cref="OnnxElementType"/>.</summary>
public static class OnnxElementTypeExtensions
{
    /// <summary>
    /// Size in bytes of one element in <c>raw_data</c>.
    /// </summary>
    /// <param name="type">The element type.</param>
    /// <returns>The element size in bytes.</returns>
    /// <exception cref="ArgumentException"><see cref="OnnxElementType.String"/> has no fixed size, or the value is not defined.</exception>
    public static int ElementSize(this OnnxElementType type) => type switch
    {
        OnnxElementType.Float => 4,
        OnnxElementType.UInt8 => 1,
        OnnxElementType.Int8 => 1,
        OnnxElementType.UInt16 => 2,
        OnnxElementType.Int32 => 4,
        OnnxElementType.Int64 => 8,
        OnnxElementType.Bool => 1,
        OnnxElementType.Float16 => 2,
        OnnxElementType.Double => 8,
        OnnxElementType.UInt32 => 4,
        OnnxElementType.UInt64 => 8,
        _ => throw new ArgumentException($"Element type {type} has no fixed element size.", nameof(type)),
    };
}
