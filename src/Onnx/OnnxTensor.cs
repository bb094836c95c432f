using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MlNetDeep.Onnx;

/// <summary>
/// An immutable constant tensor (graph initializer or the value of a tensor attribute, e.g. of a <c>Constant</c> node).
/// Numeric data is stored as little-endian bytes and written as <c>raw_data</c>.
/// </summary>
internal sealed class OnnxTensor
{
    private readonly long[] _dims;
    private readonly byte[] _rawData;

    private OnnxTensor(string name, OnnxElementType elementType, byte[] rawData, long[] dims)
    {
        Name = name;
        ElementType = elementType;
        _rawData = rawData;
        _dims = dims;
    }

    /// <summary>The tensor name (the initializer name inside a graph).</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public OnnxElementType ElementType { get; }

    /// <summary>The shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Dims => _dims;

    /// <summary>The little-endian element bytes as written to <c>raw_data</c>.</summary>
    public ReadOnlyMemory<byte> RawData => _rawData;

    /// <summary>Creates a float tensor.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="data">Elements in row-major order; length must equal the product of <paramref name="dims"/>.</param>
    /// <param name="dims">Shape; none for a scalar.</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor Float(string name, ReadOnlySpan<float> data, params long[] dims)
    {
        Check(name, data.Length, dims);
        byte[] raw = new byte[data.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
            MemoryMarshal.AsBytes(data).CopyTo(raw);
        else
            for (int i = 0; i < data.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), data[i]);
        return new OnnxTensor(name, OnnxElementType.Float, raw, (long[])dims.Clone());
    }

    /// <summary>Creates a double tensor.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="data">Elements in row-major order; length must equal the product of <paramref name="dims"/>.</param>
    /// <param name="dims">Shape; none for a scalar.</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor Double(string name, ReadOnlySpan<double> data, params long[] dims)
    {
        Check(name, data.Length, dims);
        byte[] raw = new byte[data.Length * sizeof(double)];
        if (BitConverter.IsLittleEndian)
            MemoryMarshal.AsBytes(data).CopyTo(raw);
        else
            for (int i = 0; i < data.Length; i++)
                BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(i * 8), data[i]);
        return new OnnxTensor(name, OnnxElementType.Double, raw, (long[])dims.Clone());
    }

    /// <summary>Creates an int64 tensor.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="data">Elements in row-major order; length must equal the product of <paramref name="dims"/>.</param>
    /// <param name="dims">Shape; none for a scalar.</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor Int64(string name, ReadOnlySpan<long> data, params long[] dims)
    {
        Check(name, data.Length, dims);
        byte[] raw = new byte[data.Length * sizeof(long)];
        if (BitConverter.IsLittleEndian)
            MemoryMarshal.AsBytes(data).CopyTo(raw);
        else
            for (int i = 0; i < data.Length; i++)
                BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), data[i]);
        return new OnnxTensor(name, OnnxElementType.Int64, raw, (long[])dims.Clone());
    }

    /// <summary>Creates an int32 tensor.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="data">Elements in row-major order; length must equal the product of <paramref name="dims"/>.</param>
    /// <param name="dims">Shape; none for a scalar.</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor Int32(string name, ReadOnlySpan<int> data, params long[] dims)
    {
        Check(name, data.Length, dims);
        byte[] raw = new byte[data.Length * sizeof(int)];
        if (BitConverter.IsLittleEndian)
            MemoryMarshal.AsBytes(data).CopyTo(raw);
        else
            for (int i = 0; i < data.Length; i++)
                BinaryPrimitives.WriteInt32LittleEndian(raw.AsSpan(i * 4), data[i]);
        return new OnnxTensor(name, OnnxElementType.Int32, raw, (long[])dims.Clone());
    }

    /// <summary>Creates a bool tensor (one byte per element, 0 or 1).</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="data">Elements in row-major order; length must equal the product of <paramref name="dims"/>.</param>
    /// <param name="dims">Shape; none for a scalar.</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor Bool(string name, ReadOnlySpan<bool> data, params long[] dims)
    {
        Check(name, data.Length, dims);
        byte[] raw = new byte[data.Length];
        for (int i = 0; i < data.Length; i++)
            raw[i] = data[i] ? (byte)1 : (byte)0;
        return new OnnxTensor(name, OnnxElementType.Bool, raw, (long[])dims.Clone());
    }

    internal byte[] RawBytes => _rawData;

    internal long[] DimsArray => _dims;

    internal static long Product(IReadOnlyList<long> dims)
    {
        long p = 1;
        for (int i = 0; i < dims.Count; i++)
            p = checked(p * dims[i]);
        return p;
    }

    private static void Check(string name, int length, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dims);
        foreach (long d in dims)
            if (d < 0)
                throw new ArgumentException($"Tensor '{name}': negative dimension {d} in shape [{string.Join(", ", dims)}].", nameof(dims));
        long expected = Product(dims);
        if (expected != length)
            throw new ArgumentException(
                $"Tensor '{name}': data has {length} elements but shape [{string.Join(", ", dims)}] needs {expected}.", nameof(dims));
    }
}
