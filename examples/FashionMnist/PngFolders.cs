namespace MlNetDeep.Examples.FashionMnist;

/// <summary>One image file and its class name.</summary>
public sealed class ImageFile
{
    /// <summary>Path relative to the image root.</summary>
    public string Path { get; set; } = "";

    /// <summary>Class name (the folder it lives in).</summary>
    public string Label { get; set; } = "";
}

/// <summary>Writes the IDX images as data/png/{train,test}/{class}/{index}.png once, and lists them.</summary>
public static class PngFolders
{
    /// <summary>Fashion-MNIST's class names, by label byte.</summary>
    public static readonly string[] ClassNames =
        ["T-shirt-top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle-boot"];

    /// <summary>Returns the files of one split, writing them first if the folder is not complete.</summary>
    public static List<ImageFile> Ensure(string idxFolder, string pngRoot, string split)
    {
        string prefix = split == "train" ? "train" : "t10k";
        var labels = IdxImages.ReadLabels(System.IO.Path.Combine(idxFolder, $"{prefix}-labels-idx1-ubyte.gz"));
        var files = labels.Select((label, i) => new ImageFile { Path = $"{split}/{ClassNames[label]}/{i}.png", Label = ClassNames[label] }).ToList();
        string marker = System.IO.Path.Combine(pngRoot, split, ".complete");
        if (File.Exists(marker)) return files;

        var (pixels, rows, columns) = IdxImages.ReadImages(System.IO.Path.Combine(idxFolder, $"{prefix}-images-idx3-ubyte.gz"));
        foreach (string name in ClassNames) Directory.CreateDirectory(System.IO.Path.Combine(pngRoot, split, name));
        Parallel.For(0, files.Count, i => PngWriter.WriteGray(System.IO.Path.Combine(pngRoot, files[i].Path), pixels[i], columns, rows));
        File.WriteAllText(marker, files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return files;
    }
}
