using System.Globalization;
using System.Text;
using MlNetDeep.Engine;

namespace MlNetDeep.Engine.Tests.Support;

/// <summary>Element-wise comparison with a golden tensor that collects readable mismatches (the first five, then a count).</summary>
internal static class TensorMismatches
{
    /// <summary>Asserts equal shapes, then appends to <paramref name="mismatches"/> every element outside atol + rtol·|expected|.</summary>
    public static void Compare(StringBuilder mismatches, string label, Tensor actual, Tensor expected, double atol, double rtol)
    {
        Assert.True(actual.Shape.SequenceEqual(expected.Shape),
            $"{label}: shape ({string.Join(",", actual.Shape)}) vs PyTorch ({string.Join(",", expected.Shape)})");
        var a = actual.Span;
        var e = expected.Span;
        int reported = 0;
        for (int i = 0; i < e.Length; i++)
        {
            double diff = Math.Abs(a[i] - (double)e[i]);
            if (diff <= atol + rtol * Math.Abs(e[i])) continue;
            if (reported++ < 5)
                mismatches.AppendLine(CultureInfo.InvariantCulture,
                    $"{label}[{i}] ({Index(expected.Shape, i)}): expected {e[i]:G9}, actual {a[i]:G9}, |diff| {diff:G3}");
        }
        if (reported > 5) mismatches.AppendLine(CultureInfo.InvariantCulture, $"{label}: {reported} mismatches in all");
    }

    /// <summary>The multi-index of flat position <paramref name="flat"/> in a row-major tensor of <paramref name="shape"/>.</summary>
    private static string Index(int[] shape, int flat)
    {
        var index = new int[shape.Length];
        for (int k = shape.Length - 1; k >= 0; k--)
        {
            index[k] = flat % shape[k];
            flat /= shape[k];
        }
        return string.Join(",", index);
    }
}
