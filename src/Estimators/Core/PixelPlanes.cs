using MlNetDeep.Transforms;
using static Microsoft.ML.Transforms.Image.ImagePixelExtractingEstimator;

namespace MlNetDeep;

/// <summary>Which decoded planes (<see cref="ImagePlane"/>) ML.NET's ExtractPixels would have written, in its channel order.</summary>
internal static class PixelPlanes
{
    /// <summary>
    /// ExtractPixels walks the letters of <paramref name="order"/> (e.g. "ARGB") and writes a channel for each colour
    /// present in <paramref name="colors"/>: Rgb with ARGB gives R, G, B; All with ABGR gives A, B, G, R.
    /// </summary>
    /// <returns>(C) plane indices.</returns>
    public static int[] Of(ColorBits colors, ColorsOrder order)
    {
        if (!Enum.IsDefined(order)) throw new ArgumentOutOfRangeException("orderOfExtraction", order, "Unknown colour order.");
        var planes = new List<int>();
        foreach (char letter in order.ToString())
        {
            var (bit, plane) = letter switch
            {
                'A' => (ColorBits.Alpha, ImagePlane.Alpha),
                'R' => (ColorBits.Red, ImagePlane.Red),
                'G' => (ColorBits.Green, ImagePlane.Green),
                _ => (ColorBits.Blue, ImagePlane.Blue),
            };
            if ((colors & bit) != 0) planes.Add((int)plane);
        }
        return [.. planes];
    }
}
