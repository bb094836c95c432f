using Google.Protobuf;

namespace MlNetDeep.Onnx;

/// <summary>
/// Minimal protobuf wire-format writer for one message. Sub-messages are serialised to their own byte arrays
/// first and then written length-delimited. Repeated scalar fields are written unpacked (the proto2 default
/// used by onnx.proto); every conforming parser accepts that.
/// </summary>
internal sealed class ProtoWriter : IDisposable
{
    private readonly MemoryStream _stream = new();
    private readonly CodedOutputStream _out;

    public ProtoWriter()
    {
        _out = new CodedOutputStream(_stream, leaveOpen: true);
    }

    /// <summary>Writes a varint field (int64, int32 or enum).</summary>
    public void Int64(int field, long value)
    {
        _out.WriteTag(field, WireFormat.WireType.Varint);
        _out.WriteInt64(value);
    }

    /// <summary>Writes each value as its own varint field.</summary>
    public void Int64s(int field, IEnumerable<long> values)
    {
        foreach (long v in values)
            Int64(field, v);
    }

    /// <summary>Writes a 32-bit float field.</summary>
    public void Float(int field, float value)
    {
        _out.WriteTag(field, WireFormat.WireType.Fixed32);
        _out.WriteFloat(value);
    }

    /// <summary>Writes each value as its own float field.</summary>
    public void Floats(int field, IEnumerable<float> values)
    {
        foreach (float v in values)
            Float(field, v);
    }

    /// <summary>Writes a UTF-8 string field (also valid for proto <c>bytes</c> fields holding text).</summary>
    public void String(int field, string value)
    {
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteString(value);
    }

    /// <summary>Writes a string field only when the value is non-empty.</summary>
    public void OptionalString(int field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            String(field, value);
    }

    /// <summary>Writes a bytes field.</summary>
    public void Bytes(int field, byte[] value)
    {
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteBytes(UnsafeByteOperations.UnsafeWrap(value));
    }

    /// <summary>Writes an already serialised sub-message, length-delimited.</summary>
    public void Message(int field, byte[] serialized) => Bytes(field, serialized);

    /// <summary>Flushes and returns the message bytes.</summary>
    public byte[] ToArray()
    {
        _out.Flush();
        return _stream.ToArray();
    }

    public void Dispose()
    {
        _out.Dispose();
        _stream.Dispose();
    }
}
