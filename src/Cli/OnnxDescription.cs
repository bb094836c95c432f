using System.Text.Json;
using Google.Protobuf;

namespace MlNetDeep.Cli;

/// <summary>
/// The parts of an ONNX file the tool reports: opset imports and the <c>mlnetdeep.model</c> metadata
/// (docs/onnx-metadata.md). Read straight from the protobuf fields of ModelProto (opset_import = 8,
/// metadata_props = 14), so no ONNX model classes are needed and unknown fields are skipped.
/// </summary>
internal sealed class OnnxDescription
{
    /// <summary>Opset imports: domain ("" is the default ai.onnx domain) → version.</summary>
    public Dictionary<string, long> Opsets { get; } = [];

    /// <summary>metadata_props key → value.</summary>
    public Dictionary<string, string> Metadata { get; } = [];

    /// <summary>The parsed <c>mlnetdeep.model</c> JSON, or null when the file has none.</summary>
    public JsonElement? Model { get; private set; }

    /// <summary><c>classification</c>, <c>regression</c>, <c>sequence-to-sequence</c>, or null when unknown.</summary>
    public string? Task => Model is { } m && m.TryGetProperty("task", out var t) ? t.GetString() : Metadata.GetValueOrDefault("mlnetdeep.task");

    /// <summary>Class names in score order, for classifiers; otherwise empty.</summary>
    public IReadOnlyList<string> ClassNames =>
        Model is { } m && m.TryGetProperty("class_names", out var c) && c.ValueKind == JsonValueKind.Array ? [.. c.EnumerateArray().Select(e => e.ToString())] : [];

    /// <summary>Reads <paramref name="onnx"/>.</summary>
    public static OnnxDescription Read(byte[] onnx)
    {
        var d = new OnnxDescription();
        var input = new CodedInputStream(onnx);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int field = WireFormat.GetTagFieldNumber(tag);
            if (field == 8 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var (domain, version) = OpsetId(input.ReadBytes());
                d.Opsets[domain] = version;
            }
            else if (field == 14 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var (key, value) = StringPair(input.ReadBytes());
                d.Metadata[key] = value;
            }
            else input.SkipLastField();
        }
        if (d.Metadata.TryGetValue("mlnetdeep.model", out var json)) d.Model = JsonDocument.Parse(json).RootElement.Clone();
        return d;
    }

    // OperatorSetIdProto: domain = 1 (string), version = 2 (int64).
    private static (string, long) OpsetId(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        string domain = "";
        long version = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: domain = input.ReadString(); break;
                case 2: version = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (domain, version);
    }

    // StringStringEntryProto: key = 1, value = 2.
    private static (string, string) StringPair(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        string key = "", value = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: key = input.ReadString(); break;
                case 2: value = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (key, value);
    }
}
