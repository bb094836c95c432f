using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Transforms.Tests;

/// <summary>The stateless image mappings behind any-size scoring: decode to R, G, B, A planes, and the settings column.</summary>
public class ImageDecodingTests
{
    private sealed class HeightRow
    {
        [ColumnName(TemporaryColumns.ImageHeight)] public long Height { get; set; }
    }

    private static byte[] Png(int w, int h, byte[] bgra)
    {
        using var image = MLImage.CreateFromPixels(w, h, MLPixelFormat.Bgra32, bgra);
        string path = Path.Combine(Path.GetTempPath(), $"mlnetdeep-decode-{Guid.NewGuid():N}.png");
        try
        {
            image.Save(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PngBecomesPlanarRedGreenBlueAlphaAtItsOwnSize()
    {
        const int w = 3, h = 2;
        var rng = new Random(1);
        var bgra = new byte[w * h * 4];
        rng.NextBytes(bgra);
        for (int i = 3; i < bgra.Length; i += 4) bgra[i] = 255; // opaque: PNG keeps the colours exactly
        var output = new DecodedImageRow();
        DecodeImageFactory.Map(new ImageBytesRow { Bytes = Png(w, h, bgra) }, output);

        Assert.Equal("", output.Problem);
        Assert.Equal((h, w), ((int)output.Height, (int)output.Width));
        Assert.Equal(DecodeImageFactory.PlaneCount * w * h, output.Pixels.Length);
        int n = w * h;
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(bgra[i * 4 + 2], output.Pixels[(int)ImagePlane.Red * n + i]);
            Assert.Equal(bgra[i * 4 + 1], output.Pixels[(int)ImagePlane.Green * n + i]);
            Assert.Equal(bgra[i * 4], output.Pixels[(int)ImagePlane.Blue * n + i]);
            Assert.Equal(255f, output.Pixels[(int)ImagePlane.Alpha * n + i]);
        }
    }

    [Fact]
    public void BadBytesBecomeAProblemTheCheckReportsWithTheColumn()
    {
        var garbage = new DecodedImageRow();
        DecodeImageFactory.Map(new ImageBytesRow { Bytes = [1, 2, 3] }, garbage);
        Assert.StartsWith("holds 3 bytes that are not an image", garbage.Problem);
        Assert.Empty(garbage.Pixels);
        var empty = new DecodedImageRow();
        DecodeImageFactory.Map(new ImageBytesRow { Bytes = [] }, empty);
        Assert.StartsWith("holds no image (0 bytes)", empty.Problem);

        string settings = new ImageScoringSettings("Photo", 4, 5).Encode();
        var ex = Assert.Throws<InvalidOperationException>(() =>
            CheckImageFactory.Map(new CheckImageInputRow { Problem = garbage.Problem, Settings = settings }, new CheckedImageSizeRow()));
        Assert.StartsWith("Image column 'Photo' holds 3 bytes that are not an image", ex.Message);
        var small = Assert.Throws<InvalidOperationException>(() =>
            CheckImageFactory.Map(new CheckImageInputRow { Height = 9, Width = 4, Problem = "", Settings = settings }, new CheckedImageSizeRow()));
        Assert.Contains("holds a 4×9 image (width × height); this network needs at least 5×4 pixels", small.Message);
        var ok = new CheckedImageSizeRow();
        CheckImageFactory.Map(new CheckImageInputRow { Height = 4, Width = 5, Problem = "", Settings = settings }, ok);
        Assert.Equal([4L, 5L], ok.Size);
    }

    [Fact]
    public void SettingsSurviveAnyColumnNameThroughTheExpressionTransformAndSaveLoad()
    {
        var settings = new ImageScoringSettings("Ph\"o;t\\o ∑ x => 1", 4, 6);
        Assert.Equal(settings, ImageScoringSettings.Parse(settings.Encode()));
        Assert.Throws<FormatException>(() => ImageScoringSettings.Parse("v0;1;2;AA=="));

        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new HeightRow { Height = 3 }, new HeightRow { Height = 8 } });
        var model = settings.CreateConstantColumn(ml, TemporaryColumns.ImageSettings, TemporaryColumns.ImageHeight).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var fresh = new MLContext();
        var values = fresh.Model.Load(stream, out _).Transform(data).GetColumn<string>(TemporaryColumns.ImageSettings).ToArray();
        Assert.All(values, v => Assert.Equal(settings, ImageScoringSettings.Parse(v)));
    }
}
