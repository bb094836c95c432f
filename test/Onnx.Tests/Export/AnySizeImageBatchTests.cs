using Microsoft.ML.OnnxRuntime;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Preprocessing;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// The any-size image graph in plain ONNX Runtime (no ML.NET checks in front), with batches: rows of one size score as
/// each row alone; mixed sizes, images below the network's minimum and rows of the wrong length fail with an error
/// naming the cause, at both optimisation levels.
/// </summary>
public class AnySizeImageBatchTests
{
    private const int Planes = 4, Classes = 5, Minimum = 4;

    private static readonly AnySizeImageGraphInput Input =
        new("Pixels", "Size", Planes, [2, 0, 1], new FeaturePreprocessing([20f, -3f, 7f], [2f, 0.5f, 4f])) { Offset = 10f, Scale = 0.25f, MinimumSize = Minimum };

    private static readonly byte[] Model = SupervisedGraph.Classifier(AnySizeImageGraphInputTests.TrainedLookingSpp(), Input, Classes, "Score", "PredictedIndex",
        new ModelDescription("classification", new Dictionary<string, string>()));

    /// <summary>n·P·h·w pixel values in 0..255.</summary>
    private static float[] Pixels(int n, int h, int w, int seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n * Planes * h * w).Select(_ => (float)rng.NextInt(256)).ToArray();
    }

    private static OnnxTestInput[] Inputs(float[] pixels, params (int H, int W)[] sizes) =>
    [
        OnnxTestInput.Float("Pixels", pixels, sizes.Length, pixels.Length / sizes.Length),
        OnnxTestInput.Int64("Size", sizes.SelectMany(s => new long[] { s.H, s.W }).ToArray(), sizes.Length, 2),
    ];

    /// <summary>Runs at both optimisation levels; each must fail with an ONNX Runtime error quoting <paramref name="nodeName"/>.</summary>
    private static void AssertFailsIn(string nodeName, OnnxTestInput[] inputs)
    {
        foreach (var level in OnnxTestRunner.Levels)
        {
            var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxTestRunner.RunAtLevel(Model, level, inputs));
            Assert.Contains(nodeName, ex.Message);
        }
    }

    [Fact]
    public void ABatchOfOneSizeScoresEachRowAsAlone()
    {
        const int n = 3, h = 5, w = 7, length = Planes * h * w;
        var pixels = Pixels(n, h, w, 21);
        var batch = OnnxTestRunner.RunTensors(Model, Inputs(pixels, Enumerable.Repeat((h, w), n).ToArray()));
        Assert.Equal([n, (long)Classes], batch["Score"].Dims);
        for (int r = 0; r < n; r++)
        {
            var alone = OnnxTestRunner.RunTensors(Model, Inputs(pixels[(r * length)..((r + 1) * length)], (h, w)));
            OnnxTestRunner.AssertClose(alone["Score"].Floats, batch["Score"].Floats[(r * Classes)..((r + 1) * Classes)], 1e-6, 0, $"row {r}");
            Assert.Equal(alone["PredictedIndex"].Int64s[0], batch["PredictedIndex"].Int64s[r]);
        }
    }

    [Theory]
    [InlineData(4, 6, 6, 4)]   // same L = 4·24: before the check the second row was silently scored as 4×6
    [InlineData(9, 4, 6, 6)]   // same L = 4·36
    [InlineData(5, 7, 5, 8)]   // L = 4·40 fits only the second row: still named as mixed sizes, checked first
    public void MixedSizesInOneBatchFailNamingTheCause(int h0, int w0, int h1, int w1)
    {
        int length = Planes * Math.Max(h0 * w0, h1 * w1);
        AssertFailsIn(Input.MixedSizesNodeName, Inputs(Pixels(2, 1, length / Planes, 22), (h0, w0), (h1, w1)));
    }

    [Fact]
    public void EachRowOfAMixedBatchScoresAloneWithItsOwnSize()
    {
        // The rows of the 4×6 / 6×4 batch above are fine on their own: the failure is about mixing them.
        var pixels = Pixels(2, 4, 6, 23);
        int length = Planes * 24;
        OnnxTestRunner.RunTensors(Model, Inputs(pixels[..length], (4, 6)));
        OnnxTestRunner.RunTensors(Model, Inputs(pixels[length..], (6, 4)));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 2, 3)]
    [InlineData(1, 3, 3)]
    [InlineData(2, 3, 3)]
    [InlineData(1, 4, 3)]   // only the width is too small
    [InlineData(1, 3, 9)]   // only the height is too small
    public void ImagesBelowTheMinimumFailNamingIt(int n, int h, int w)
    {
        Assert.Contains("smaller_than_4x4", Input.TooSmallNodeName);
        AssertFailsIn(Input.TooSmallNodeName, Inputs(Pixels(n, h, w, 24), Enumerable.Repeat((h, w), n).ToArray()));
    }

    [Theory]
    [InlineData(1, 2 * Planes * 5 * 6)]   // twice P·H·W: once silently two images
    [InlineData(1, Planes * 5 * 6 - 1)]
    [InlineData(2, Planes * 5 * 6 + 1)]
    public void RowsOfTheWrongLengthFailNamingTheNode(int n, int length)
    {
        var pixels = new float[n * length];
        AssertFailsIn(Input.WrongLengthNodeName, [OnnxTestInput.Float("Pixels", pixels, n, length),
            OnnxTestInput.Int64("Size", Enumerable.Repeat(new long[] { 5, 6 }, n).SelectMany(s => s).ToArray(), n, 2)]);
    }
}
