using System.IO.Compression;
using Microsoft.ML.Data;

namespace MlNetDeep.Examples.QuickStart;

/// <summary>One 8×8 digit: 64 pixel counts (0..16) and the digit it shows.</summary>
public sealed class Digit
{
    /// <summary>Row-major 8×8 pixel counts.</summary>
    [VectorType(64)]
    public float[] Features { get; set; } = [];

    /// <summary>The digit 0–9.</summary>
    public float Label { get; set; }
}

/// <summary>Reads scikit-learn's digits.csv.gz (64 pixel columns, then the label; no header).</summary>
public static class DigitsDataset
{
    /// <summary>Reads every row of the gzip-compressed CSV at <paramref name="path"/>.</summary>
    public static List<Digit> Load(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var digits = new List<Digit>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != 65) throw new FormatException($"{path}: expected 65 comma-separated values, got {fields.Length}.");
            var values = fields.Select(f => float.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            digits.Add(new Digit { Features = values[..64], Label = values[64] });
        }
        return digits;
    }
}
