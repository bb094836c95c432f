using MlNetDeep.Cli.Tests.Support;

namespace MlNetDeep.Cli.Tests;

/// <summary>score on a folder of images: files in name order, Path plus model.Transform's predictions; a corrupt image is a bad row.</summary>
[Collection(ModelsCollection.Name)]
public sealed class ImageFolderTests(ModelsFixture models, ImageModelFixture image) : IDisposable, IClassFixture<ImageModelFixture>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetdeep-cli-images-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Images => Directory.CreateDirectory(Path.Combine(_folder, "images")).FullName;

    private string InFolder(string name) => Path.Combine(_folder, name);

    /// <summary>Images of several formats and extension cases, a file and a subfolder that are not read; returns the image names in ordinal order.</summary>
    private string[] WriteFolder()
    {
        string[] names = ["b.png", "A.PNG", "c.jpg", "d.webp", "e.jpeg", "a.bmp"];
        for (int i = 0; i < names.Length; i++)
        {
            string path = Path.Combine(Images, names[i]);
            // MLImage writes PNG, JPEG and WebP; .bmp is written as PNG bytes, which the decoder reads by content.
            ImageModelFixture.WriteImage(Path.GetExtension(path).ToLowerInvariant() == ".bmp" ? path + ".tmp.png" : path, seed: 100 + i);
            if (File.Exists(path + ".tmp.png")) File.Move(path + ".tmp.png", path);
        }
        File.WriteAllText(Path.Combine(Images, "notes.txt"), "not an image");
        ImageModelFixture.WriteImage(Path.Combine(Directory.CreateDirectory(Path.Combine(Images, "sub")).FullName, "nested.png"), seed: 1);
        return [.. names.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void Folder_EqualsTransformOnTheSamePaths_InOrdinalNameOrder()
    {
        string[] names = WriteFolder();
        string output = InFolder("out.csv");
        var run = Tool.Run(["score", image.Path, Images, output, "--batch-size", "4"]);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("done: 6 input rows, 6 scored", run.Err);
        var csv = Tool.ReadCsv(output);
        Assert.Equal(["Path", "PredictedLabel", "Score_bright", "Score_dark"], csv[0]);
        Assert.Equal(names, csv.Skip(1).Select(r => r[0]));
        Assert.Equal(image.Expected(names.Select(n => Path.Combine(Images, n))), csv.Skip(1).Select(r => r[1..]));
    }

    [Fact]
    public void CorruptImage_Fail_NamesTheFile_Skip_ListsItAndScoresTheOthers()
    {
        string[] names = WriteFolder();
        File.WriteAllBytes(Path.Combine(Images, "broken.png"), [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7 + 3))]);
        string output = InFolder("out.csv");

        var failed = Tool.Run(["score", image.Path, Images, output]);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("row 4 (file broken.png), column Path: broken.png cannot be decoded as an image", failed.Err);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".tmp"));

        var skipped = Tool.Run(["score", image.Path, Images, output, "--on-error", "skip", "--batch-size", "2"]);
        Assert.True(skipped.ExitCode == 0, skipped.Err);
        Assert.Contains("done: 7 input rows, 6 scored, 1 skipped", skipped.Err);
        var errors = File.ReadAllLines(output + ".errors.csv");
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("4,Path,\"broken.png cannot be decoded as an image (corrupt", errors[1]); // quoted: the reason holds commas
        var csv = Tool.ReadCsv(output);
        Assert.Equal(names, csv.Skip(1).Select(r => r[0]));
        Assert.Equal(image.Expected(names.Select(n => Path.Combine(Images, n))), csv.Skip(1).Select(r => r[1..]));
    }

    [Fact]
    public void EmptyFolder_GivesHeaderOnly_CsvAndParquet()
    {
        string empty = Images;
        var run = Tool.Run(["score", image.Path, empty, InFolder("out.csv")]);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Equal(["Path,PredictedLabel,Score_bright,Score_dark"], File.ReadAllLines(InFolder("out.csv")));
        run = Tool.Run(["score", image.Path, empty, InFolder("out.parquet")]);
        Assert.True(run.ExitCode == 0, run.Err);
        var table = ParquetFiles.Read(InFolder("out.parquet"));
        Assert.Equal(["Path", "PredictedLabel", "Score_bright", "Score_dark"], table.Names);
        Assert.Empty(table.Rows);
    }

    [Fact]
    public void AModelWithoutImagePaths_OrAKeepOption_IsAClearError()
    {
        WriteFolder();
        var run = Tool.Run(["score", models.Classifier.Path, Images, InFolder("out.csv")]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is a folder of images, but the model does not load images from a path column", run.Err);
        Assert.Contains("Features: Vector<Single, 4>", run.Err);
        run = Tool.Run(["score", image.Path, Images, InFolder("out.csv"), "--keep", "Id"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--keep Id", run.Err);
        Assert.False(File.Exists(InFolder("out.csv")));
    }
}
