namespace MlNetDeep.Transforms;

/// <summary>Where ApplyOnnxModel reads the model from: bytes in memory, or a file used in place.</summary>
internal sealed class OnnxModelSource
{
    private OnnxModelSource(byte[]? bytes, string? path)
    {
        Bytes = bytes;
        Path = path;
    }

    /// <summary>Model bytes, or null for a file source.</summary>
    public byte[]? Bytes { get; }

    /// <summary>Model file, or null for a bytes source.</summary>
    public string? Path { get; }

    /// <summary>A model held in memory.</summary>
    /// <param name="bytes">ONNX model bytes.</param>
    public static OnnxModelSource FromBytes(byte[] bytes) => new(bytes ?? throw new ArgumentNullException(nameof(bytes)), null);

    /// <summary>A model file that stays in place while it is used.</summary>
    /// <param name="path">ONNX model file.</param>
    public static OnnxModelSource FromFile(string path) => new(null, path ?? throw new ArgumentNullException(nameof(path)));

    /// <summary>Bytes convert implicitly.</summary>
    /// <param name="bytes">ONNX model bytes.</param>
    public static implicit operator OnnxModelSource(byte[] bytes) => FromBytes(bytes);
}
