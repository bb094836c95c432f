using MlNetDeep.Engine.Preprocessing;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// Flat planar pixels + (H, W) → channel selection, ExtractPixels' (v − offset)·scale, per-channel standardisation →
/// SmallCnn with spatial pyramid pooling: one exported classifier scores several image sizes exactly like the engine.
/// </summary>
public class AnySizeImageGraphInputTests
{
    private static readonly float[] Mean = [20f, -3f, 7f];
    private static readonly float[] Std = [2f, 0.5f, 4f];
    private static readonly int[] Channels = [2, 0, 1]; // network channel c reads plane Channels[c] of the 4 planes
    private const float Offset = 10f, Scale = 0.25f;

    internal static Sequential TrainedLookingSpp()
    {
        var rng = new Rng(4);
        var net = SmallCnn.Build(3, 5, new SmallCnnArchitecture { Conv1Channels = 4, Conv2Channels = 6, HiddenUnits = 8, SpatialPyramidLevels = [1, 2] }, rng);
        var warm = Tensor.Zeros(4, 3, 9, 10);
        for (int i = 0; i < warm.Length; i++) warm.Span[i] = (float)rng.NextGaussian();
        net.Forward(new Tape(), warm); // move BatchNorm's running statistics away from 0 / 1
        net.SetTraining(false);
        return net;
    }

    /// <summary>The engine's view of the same rows: gather channels, offset/scale, standardise, (n, 3, h, w).</summary>
    private static Tensor EngineInput(float[] planes, int n, int h, int w)
    {
        var x = Tensor.Zeros(n, 3, h, w);
        int plane = h * w;
        for (int r = 0; r < n; r++)
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < plane; i++)
                {
                    float v = (planes[(r * 4 + Channels[c]) * plane + i] - Offset) * Scale;
                    x.Span[(r * 3 + c) * plane + i] = (v - Mean[c]) / Std[c];
                }
        return x;
    }

    [Fact]
    public void OneModelScoresEverySizeLikeTheEngine()
    {
        var net = TrainedLookingSpp();
        var input = new AnySizeImageGraphInput("Pixels", "Size", 4, Channels, new FeaturePreprocessing(Mean, Std)) { Offset = Offset, Scale = Scale };
        byte[] model = SupervisedGraph.Classifier(net, input, 5, "Score", "PredictedIndex", new ModelDescription("classification", new Dictionary<string, string>()));
        OnnxStructure.AssertWellFormed(model);

        var rng = new Rng(9);
        // The minimum size (4×4: 1×1 maps after two pools), sizes no pyramid level divides, a batch of equal sizes.
        foreach (var (n, h, w) in new[] { (1, 4, 4), (1, 7, 11), (2, 13, 9) })
        {
            var planes = Enumerable.Range(0, n * 4 * h * w).Select(_ => (float)rng.NextInt(256)).ToArray();
            var tape = new Tape { IsRecording = false };
            var logits = net.Forward(tape, EngineInput(planes, n, h, w));
            var sizes = Enumerable.Range(0, n).SelectMany(_ => new long[] { h, w }).ToArray();
            var outputs = OnnxTestRunner.RunTensors(model, OnnxTestInput.Float("Pixels", planes, n, 4L * h * w), OnnxTestInput.Int64("Size", sizes, n, 2));
            Assert.Equal([n, 5L], outputs["Score"].Dims);
            OnnxTestRunner.AssertClose(Ops.Softmax(tape, logits).Span.ToArray(), outputs["Score"].Floats, 1e-5, 1e-4, $"{n}×{h}×{w}");
        }
    }

    [Fact]
    public void InputsAreFlatPixelsAndSizeAndIdentitySettingsAddNoNodes()
    {
        var net = TrainedLookingSpp();
        var plain = new AnySizeImageGraphInput("Pixels", "Size", 3, [0, 1, 2], new FeaturePreprocessing(Mean, Std));
        var proto = OnnxStructure.AssertWellFormed(SupervisedGraph.Classifier(net, plain, 5, "Score", "PredictedIndex", new ModelDescription("classification", new Dictionary<string, string>())));
        Assert.Equal(["Pixels", "Size"], proto.Graph.Input.Select(i => i.Name));
        Assert.Equal(["N", "L"], proto.Graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimParam));
        Assert.Equal(2, proto.Graph.Input[1].Type.TensorType.Shape.Dim[1].DimValue);
        // Planes already in channel order, offset 0 and scale 1: the pixel Reshape is followed by Sub, Div — no channel
        // Gather, no Mul. The three checks are single named nodes.
        var ops = proto.Graph.Node.Select(node => node.OpType).ToList();
        int reshape = proto.Graph.Node.ToList().FindIndex(node => node.Name == plain.WrongLengthNodeName);
        Assert.Equal(["Reshape", "Sub", "Div"], ops.Skip(reshape).Take(3));
        Assert.DoesNotContain("Mul", ops.Take(reshape + 3));
        foreach (string name in new[] { plain.TooSmallNodeName, plain.MixedSizesNodeName, plain.WrongLengthNodeName })
            Assert.Single(proto.Graph.Node, node => node.Name == name && node.OpType == "Reshape");
        Assert.Equal("Size_has_an_image_smaller_than_1x1_the_network_minimum", plain.TooSmallNodeName);
    }

    [Fact]
    public void BadSettingsAreRejected()
    {
        var graph = new OnnxGraphBuilder("g");
        Assert.Throws<ArgumentOutOfRangeException>(() => new AnySizeImageGraphInput("P", "S", 4, [4], new FeaturePreprocessing([0f], [1f])).Add(graph));
        Assert.Throws<ArgumentException>(() => new AnySizeImageGraphInput("P", "S", 4, [0, 1], new FeaturePreprocessing([0f], [1f])).Add(new OnnxGraphBuilder("g")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AnySizeImageGraphInput("P", "S", 4, [0], new FeaturePreprocessing([0f], [1f])) { MinimumSize = 0 }.Add(new OnnxGraphBuilder("g")));
    }
}
