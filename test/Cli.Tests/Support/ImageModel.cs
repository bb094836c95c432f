using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Cli.Tests.Support;

/// <summary>An input row of the image model: a path (LoadImages reads it) and a text label.</summary>
public sealed class ImageRow
{
    public string Path { get; set; } = "";

    public string Label { get; set; } = "";
}

/// <summary>
/// A tiny image classifier behind ML.NET's own image pipeline (MapValueToKey(Label) → LoadImages(Path) → ResizeImages(8×8)
/// → ExtractPixels → MlNetDeep's CNN), trained for one epoch on 24 small generated PNGs, saved as image.zip.
/// </summary>
public sealed class ImageModelFixture : IDisposable
{
    public ImageModelFixture()
    {
        Folder = Directory.CreateTempSubdirectory("mlnetdeep-cli-image-model-").FullName;
        string images = Directory.CreateDirectory(System.IO.Path.Combine(Folder, "train")).FullName;
        var rows = Enumerable.Range(0, 24).Select(i =>
        {
            string name = $"train-{i:D2}.png";
            WriteImage(System.IO.Path.Combine(images, name), seed: i);
            return new ImageRow { Path = name, Label = i % 2 == 0 ? "bright" : "dark" };
        }).ToList();
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", images, "Path"))
            .Append(ml.Transforms.ResizeImages("Image", 8, 8))
            .Append(ml.Transforms.ExtractPixels("Features", "Image"))
            .Append(ml.DeepLearning().MulticlassClassification.Image(new ImageClassifier.Options
            {
                Network = ImageNetwork.SmallCnn, NumberOfEpochs = 1, BatchSize = 8, Seed = 1,
                SmallCnn = new SmallCnnArchitecture { Conv1Channels = 2, Conv2Channels = 2, HiddenUnits = 4 },
            }))
            .Fit(train);
        Path = System.IO.Path.Combine(Folder, "image.zip");
        ml.Model.Save(model, train.Schema, Path);
    }

    public string Folder { get; }

    /// <summary>The saved model.</summary>
    public string Path { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>A 10×10 image of random colours, saved in the format its extension names (png, jpg, webp…).</summary>
    public static void WriteImage(string path, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[10 * 10 * 4];
        rng.NextBytes(pixels);
        for (int p = 3; p < pixels.Length; p += 4) pixels[p] = 255;
        using var image = MLImage.CreateFromPixels(10, 10, MLPixelFormat.Bgra32, pixels);
        image.Save(path);
    }

    /// <summary>model.Transform on rows with these image paths (full paths): PredictedLabel's value, then the Score values, as the tool writes them.</summary>
    public List<string[]> Expected(IEnumerable<string> fullPaths)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(Path, out _);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(fullPaths.Select(p => new ImageRow { Path = p })));
        VBuffer<ReadOnlyMemory<char>> names = default;
        scored.Schema["PredictedLabel"].GetKeyValues(ref names);
        var result = new List<string[]>();
        using var cursor = scored.GetRowCursor(scored.Schema);
        var key = cursor.GetGetter<uint>(scored.Schema["PredictedLabel"]);
        var score = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        while (cursor.MoveNext())
        {
            uint k = 0;
            VBuffer<float> s = default;
            key(ref k);
            score(ref s);
            result.Add([k == 0 ? "" : names.GetItemOrDefault((int)k - 1).ToString(), .. s.DenseValues().Select(Output.PredictionColumns.Format)]);
        }
        return result;
    }
}
