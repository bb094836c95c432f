using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace MlNetDeep.Onnx.Tests.Support.Conformance;

/// <summary>
/// One decoded onnx TensorProto from a conformance case. <see cref="Data"/> is <c>float[]</c> (FLOAT),
/// <c>long[]</c> (INT64), <c>int[]</c> (INT32) or <c>bool[]</c> (BOOL); read it through the typed accessors.
/// </summary>
internal sealed class ConformanceTensor
{
    public ConformanceTensor(string name, TensorProto.Types.DataType elementType, long[] dims, Array data)
    {
        Name = name;
        ElementType = elementType;
        Dims = dims;
        Data = data;
    }

    /// <summary>The graph input/output name this tensor feeds or is compared with.</summary>
    public string Name { get; }

    public TensorProto.Types.DataType ElementType { get; }

    /// <summary>ONNX dimensions (empty for a scalar).</summary>
    public long[] Dims { get; }

    public Array Data { get; }

    public int Length => Data.Length;

    /// <summary>Dimensions as the engine's <c>int[]</c> shape.</summary>
    public int[] Shape => Dims.Select(d => checked((int)d)).ToArray();

    public float[] Floats => Data as float[] ?? throw new InvalidOperationException($"{this} is not FLOAT.");

    public long[] Int64s => Data as long[] ?? throw new InvalidOperationException($"{this} is not INT64.");

    public int[] Int32s => Data as int[] ?? throw new InvalidOperationException($"{this} is not INT32.");

    public bool[] Bools => Data as bool[] ?? throw new InvalidOperationException($"{this} is not BOOL.");

    /// <summary>Integer data (INT64 or INT32) widened to long.</summary>
    public long[] Integers => Data switch
    {
        long[] l => l,
        int[] i => i.Select(v => (long)v).ToArray(),
        _ => throw new InvalidOperationException($"{this} is not an integer tensor."),
    };

    /// <summary>A fresh engine tensor (FLOAT only).</summary>
    public MlNetDeep.Engine.Tensor ToEngine() => MlNetDeep.Engine.Tensor.FromArray(Floats, Shape);

    /// <summary>An ONNX Runtime input with this tensor's name (or <paramref name="name"/>), type, dims and data.</summary>
    public OnnxTestInput ToOrtInput(string? name = null) => Data switch
    {
        float[] f => OnnxTestInput.Float(name ?? Name, f, Dims),
        long[] l => OnnxTestInput.Int64(name ?? Name, l, Dims),
        int[] i => OnnxTestInput.Int32(name ?? Name, i, Dims),
        bool[] b => OnnxTestInput.Bool(name ?? Name, b, Dims),
        _ => throw new NotSupportedException($"{this}: no ORT input for {Data.GetType().Name}."),
    };

    public override string ToString() => $"{Name}: {ElementType}[{string.Join(",", Dims)}]";

    /// <summary>Reads a serialized TensorProto (<c>input_N.pb</c> / <c>output_N.pb</c>).</summary>
    public static ConformanceTensor Read(string path, string? fallbackName = null)
    {
        TensorProto proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        return Decode(proto, string.IsNullOrEmpty(proto.Name) ? fallbackName ?? Path.GetFileNameWithoutExtension(path) : proto.Name);
    }

    /// <summary>
    /// Decodes a TensorProto: raw_data (little-endian) when present, else the typed repeated field
    /// (float_data for FLOAT; int64_data for INT64; int32_data for INT32 and BOOL, as onnx.proto specifies).
    /// </summary>
    public static ConformanceTensor Decode(TensorProto proto, string name)
    {
        var type = (TensorProto.Types.DataType)proto.DataType;
        long[] dims = proto.Dims.ToArray();
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            throw new NotSupportedException($"{name}: external data is not supported.");
        ByteString raw = proto.RawData;
        bool hasRaw = raw is { Length: > 0 } || (count == 0 && proto.FloatData.Count + proto.Int64Data.Count + proto.Int32Data.Count == 0);
        ReadOnlySpan<byte> bytes = raw.Span;
        Array data = type switch
        {
            TensorProto.Types.DataType.Float => hasRaw
                ? Elements(bytes, 4, count, name, b => BinaryPrimitives.ReadSingleLittleEndian(b))
                : proto.FloatData.ToArray(),
            TensorProto.Types.DataType.Int64 => hasRaw
                ? Elements(bytes, 8, count, name, b => BinaryPrimitives.ReadInt64LittleEndian(b))
                : proto.Int64Data.ToArray(),
            TensorProto.Types.DataType.Int32 => hasRaw
                ? Elements(bytes, 4, count, name, b => BinaryPrimitives.ReadInt32LittleEndian(b))
                : proto.Int32Data.ToArray(),
            TensorProto.Types.DataType.Bool => hasRaw
                ? Elements(bytes, 1, count, name, b => b[0] != 0)
                : proto.Int32Data.Select(v => v != 0).ToArray(),
            _ => throw new NotSupportedException($"{name}: element type {type} is not supported."),
        };
        if (data.Length != count)
            throw new InvalidDataException($"{name}: {data.Length} elements for dims [{string.Join(",", dims)}].");
        return new ConformanceTensor(name, type, dims, data);
    }

    private delegate T ReadElement<T>(ReadOnlySpan<byte> bytes);

    private static T[] Elements<T>(ReadOnlySpan<byte> bytes, int size, long count, string name, ReadElement<T> read)
    {
        if (bytes.Length != count * size)
            throw new InvalidDataException($"{name}: raw_data has {bytes.Length} bytes, expected {count} × {size}.");
        var result = new T[count];
        for (int i = 0; i < result.Length; i++)
            result[i] = read(bytes.Slice(i * size, size));
        return result;
    }
}
