using MlNetDeep.Engine;
using MlNetDeep.Engine.Preprocessing;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;
using Xunit;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>The graph form of <see cref="FeaturePreprocessing"/> gives the trainer's values bit for bit (<see cref="FeaturePreprocessing.Apply"/>).</summary>
public class FeaturePreprocessingGraphTests
{
    private static float[] Random(int n, int seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextFloat() * 20f - 10f).ToArray();
    }

    private static byte[] Model(Func<OnnxGraphBuilder, (string Values, string? Offset)> add, int[] outputShape)
    {
        var graph = new OnnxGraphBuilder("preprocessing");
        var (values, offset) = add(graph);
        graph.AddNodeWithOutputs("Identity", [values], ["Values"]);
        graph.AddOutput("Values", OnnxElementType.Float, ["N", .. outputShape.Select(d => (OnnxDim)d)]);
        if (offset is not null)
        {
            graph.AddNodeWithOutputs("Identity", [offset], ["Offset"]);
            graph.AddOutput("Offset", OnnxElementType.Float, "N", 1);
        }
        return OnnxModelWriter.Write(graph, new OnnxModelOptions());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void RowsMadeRelativeAndStandardisedPerSlotMatchTheTrainer(int relativeStepSize)
    {
        const int f = 6, n = 4;
        var preprocessing = new FeaturePreprocessing(Random(f, 1), Random(f, 2).Select(v => Math.Abs(v) + 0.5f).ToArray(), relativeStepSize);
        byte[] model = Model(g => FeaturePreprocessingGraph.AddRows(g, g.AddInput("x", OnnxElementType.Float, "N", f), f, preprocessing) is var v
            ? (v.Features, v.TargetOffset) : default, [f]);
        float[] x = Random(n * f, 3);
        var expected = (float[])x.Clone();
        var offsets = new float[n];
        for (int r = 0; r < n; r++) offsets[r] = preprocessing.Apply(expected.AsSpan(r * f, f));

        var outputs = OnnxTestRunner.Run(model, ("x", x, [n, f]));
        Assert.Equal(expected, outputs["Values"].values);
        if (relativeStepSize > 0) Assert.Equal(offsets, outputs["Offset"].values);
        else Assert.False(outputs.ContainsKey("Offset"));
    }

    [Fact]
    public void ImagesStandardisedPerChannelMatchTheTrainer()
    {
        const int c = 3, h = 2, w = 5, n = 2;
        var preprocessing = new FeaturePreprocessing([0.2f, -1f, 4f], [0.7f, 3f, 1.5f]);
        byte[] model = Model(g => (FeaturePreprocessingGraph.AddPlanes(g, g.AddInput("x", OnnxElementType.Float, "N", c, h, w), preprocessing), null), [c, h, w]);
        float[] x = Random(n * c * h * w, 4);
        var expected = (float[])x.Clone();
        for (int r = 0; r < n; r++) preprocessing.Apply(expected.AsSpan(r * c * h * w, c * h * w));

        Assert.Equal(expected, OnnxTestRunner.Run(model, ("x", x, [n, c, h, w]))["Values"].values);
    }
}
