using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MlNetDeep.Transforms;

/// <summary>Order of the planes <see cref="DecodeImageFactory"/> writes into <see cref="TemporaryColumns.ImagePixels"/>.</summary>
internal enum ImagePlane
{
    /// <summary>Plane 0.</summary>
    Red,

    /// <summary>Plane 1.</summary>
    Green,

    /// <summary>Plane 2.</summary>
    Blue,

    /// <summary>Plane 3 (255 for opaque images).</summary>
    Alpha,
}

/// <summary>Input row of <see cref="DecodeImageFactory"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ImageBytesRow
{
    /// <summary>Encoded image (PNG, JPEG, BMP, GIF, WebP…), e.g. from mlContext.Transforms.LoadRawImageBytes.</summary>
    [ColumnName(TemporaryColumns.ImageBytes)]
    public byte[] Bytes { get; set; } = [];
}

/// <summary>Output row of <see cref="DecodeImageFactory"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DecodedImageRow
{
    /// <summary>4·H·W values, planes in <see cref="ImagePlane"/> order, each row-major; empty when <see cref="Problem"/> is set.</summary>
    [ColumnName(TemporaryColumns.ImagePixels)]
    public float[] Pixels { get; set; } = [];

    /// <summary>H, or 0 when the bytes could not be decoded.</summary>
    [ColumnName(TemporaryColumns.ImageHeight)]
    public long Height { get; set; }

    /// <summary>W, or 0 when the bytes could not be decoded.</summary>
    [ColumnName(TemporaryColumns.ImageWidth)]
    public long Width { get; set; }

    /// <summary>Why the bytes could not be decoded; empty when they were.</summary>
    [ColumnName(TemporaryColumns.ImageProblem)]
    public string Problem { get; set; } = "";
}

/// <summary>
/// Encoded image bytes → planar float pixels of the image's own size, for scoring images of any size.
/// ML.NET's ExtractPixels needs a known-size image and a CustomMapping cannot take an unsized MLImage, so the bytes
/// are decoded here with the same decoder LoadImages uses (MLImage.CreateFromStream): for an image of the size the
/// network was trained on, plane p equals what ExtractPixels writes for that colour with offset 0 and scale 1.
/// All four planes are written in a fixed order; which channels the network reads, and ExtractPixels' offset and
/// scale, are applied inside the ONNX graph, so this mapping stays stateless (saved by contract name).
/// Bad bytes do not throw here: <see cref="CheckImageFactory"/> reports them with the user's column name, which only
/// it knows (from <see cref="TemporaryColumns.ImageSettings"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(ContractName)]
public sealed class DecodeImageFactory : CustomMappingFactory<ImageBytesRow, DecodedImageRow>
{
    /// <summary>Contract name stored in saved models; never change it.</summary>
    internal const string ContractName = "MlNetDeep.DecodeImage";

    /// <summary>Number of planes written: R, G, B, A.</summary>
    internal const int PlaneCount = 4;

    /// <summary>The mapping itself.</summary>
    /// <param name="input">Encoded bytes.</param>
    /// <param name="output">Pixels and size, or the problem.</param>
    internal static void Map(ImageBytesRow input, DecodedImageRow output)
    {
        output.Pixels = [];
        output.Height = output.Width = 0;
        output.Problem = "";
        byte[] bytes = input.Bytes ?? [];
        if (bytes.Length == 0)
        {
            output.Problem = "holds no image (0 bytes); a missing or empty image cannot be scored.";
            return;
        }
        MLImage image;
        try
        {
            image = MLImage.CreateFromStream(new MemoryStream(bytes, writable: false));
        }
        catch (ArgumentException ex)
        {
            output.Problem = $"holds {bytes.Length} bytes that are not an image ImageAnalytics can decode ({ex.Message}).";
            return;
        }
        using (image)
        {
            if (image.PixelFormat is not (MLPixelFormat.Bgra32 or MLPixelFormat.Rgba32))
            {
                output.Problem = $"decodes to pixel format {image.PixelFormat}; only Bgra32 and Rgba32 are supported.";
                return;
            }
            output.Pixels = ToPlanes(image.Pixels, image.Width * image.Height, image.PixelFormat == MLPixelFormat.Bgra32);
            output.Height = image.Height;
            output.Width = image.Width;
        }
    }

    /// <summary>Interleaved 4-byte pixels (n·4) → planes R, G, B, A (4·n floats).</summary>
    private static float[] ToPlanes(ReadOnlySpan<byte> pixels, int n, bool bgra)
    {
        var planes = new float[PlaneCount * n];
        int red = bgra ? 2 : 0, blue = bgra ? 0 : 2;
        for (int i = 0, o = 0; i < n; i++, o += 4)
        {
            planes[i] = pixels[o + red];
            planes[n + i] = pixels[o + 1];
            planes[2 * n + i] = pixels[o + blue];
            planes[3 * n + i] = pixels[o + 3];
        }
        return planes;
    }

    /// <inheritdoc/>
    public override Action<ImageBytesRow, DecodedImageRow> GetMapping() => Map;
}
