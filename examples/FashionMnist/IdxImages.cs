using System.IO.Compression;

namespace MlNetDeep.Examples.FashionMnist;

/// <summary>Reads gzip-compressed IDX files (the MNIST family's format: big-endian header, then raw bytes).</summary>
public static class IdxImages
{
    /// <summary>Images as rows×cols byte arrays.</summary>
    public static (byte[][] Pixels, int Rows, int Columns) ReadImages(string path)
    {
        using var reader = Open(path, 0x00000803);
        int count = ReadInt32(reader), rows = ReadInt32(reader), columns = ReadInt32(reader);
        var images = new byte[count][];
        for (int i = 0; i < count; i++) images[i] = reader.ReadBytes(rows * columns);
        return (images, rows, columns);
    }

    /// <summary>One byte label per image.</summary>
    public static byte[] ReadLabels(string path)
    {
        using var reader = Open(path, 0x00000801);
        return reader.ReadBytes(ReadInt32(reader));
    }

    private static BinaryReader Open(string path, int magic)
    {
        var reader = new BinaryReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        int actual = ReadInt32(reader);
        if (actual != magic) throw new FormatException($"{path}: IDX magic {actual:X8}, expected {magic:X8}.");
        return reader;
    }

    private static int ReadInt32(BinaryReader reader)
    {
        var b = reader.ReadBytes(4);
        return b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
    }
}
