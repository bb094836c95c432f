using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Transforms.Onnx;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// The ONNX bytes inside an <see cref="OnnxTransformer"/>. ML.NET keeps them behind internal members, so they are read
/// through the public save path: <c>mlContext.Model.Save</c> of the transformer alone writes a zip in which the
/// OnnxTransformer's <c>SaveModel</c> stores the model as the binary stream "OnnxModel" (ML.NET 5 and 6:
/// <c>ctx.SaveBinaryStream("OnnxModel", w =&gt; w.WriteByteArray(bytes))</c>, i.e. a little-endian Int32 length and then
/// the bytes). What this relies on is checked here (exactly one such entry, the length prefix equal to the rest) and
/// by the tests (the bytes open in ONNX Runtime with the transformer's column names), so an ML.NET that stores the
/// model otherwise fails with a clear message instead of scoring wrongly.
/// </summary>
internal static class OnnxStageModel
{
    private const string EntryName = "OnnxModel";

    /// <summary>The model bytes of <paramref name="onnx"/>.</summary>
    /// <param name="ml">Context whose model catalog saves the transformer.</param>
    /// <param name="onnx">The ONNX stage of a model.</param>
    public static byte[] Bytes(MLContext ml, OnnxTransformer onnx)
    {
        using var zipBytes = new MemoryStream();
        ml.Model.Save(onnx, null, zipBytes);
        zipBytes.Position = 0;
        using var zip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        var entries = zip.Entries.Where(e => e.Name == EntryName).ToList();
        if (entries.Count != 1)
            throw new InvalidOperationException($"The saved OnnxTransformer holds {entries.Count} '{EntryName}' entries, not one " +
                $"(entries: {string.Join(", ", zip.Entries.Select(e => e.FullName))}): this ML.NET stores ONNX models in a way BatchScorer does not know.");
        using var stream = entries[0].Open();
        using var content = new MemoryStream();
        stream.CopyTo(content);
        byte[] stored = content.ToArray();
        // WriteByteArray: Int32 length, then the bytes.
        if (stored.Length >= 4 && BinaryPrimitives.ReadInt32LittleEndian(stored) == stored.Length - 4) return stored[4..];
        throw new InvalidOperationException($"The saved OnnxTransformer's '{EntryName}' entry ({stored.Length} bytes) does not start with its length: " +
            "this ML.NET stores ONNX models in a way BatchScorer does not know.");
    }
}
