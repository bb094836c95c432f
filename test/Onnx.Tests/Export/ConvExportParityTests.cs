using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// Engine inference vs ONNX Runtime for the convolutional layers: (N, C, H, W), (N, C, L) and int64 token inputs,
/// two batch sizes each (and several H, W for spatial pyramid pooling), ORT optimisations off and on.
/// </summary>
public class ConvExportParityTests
{
    /// <summary>
    /// Exports <paramref name="module"/> alone with a float input "x" of <paramref name="dims"/> (symbolic names allowed)
    /// and compares the engine with ORT on each concrete input shape, values and output shape.
    /// </summary>
    internal static void AssertParity(Module module, OnnxDim[] dims, int[][] shapes, int seed = 1, float scale = 1f)
    {
        module.SetTraining(false);
        byte[] model = ExportAlone(module, OnnxElementType.Float, dims, out string output);
        var rng = new Rng(seed);
        foreach (int[] shape in shapes)
        {
            var input = Tensor.Zeros(shape);
            for (int i = 0; i < input.Length; i++) input.Span[i] = (float)rng.NextGaussian() * scale;
            var engine = module.Forward(new Tape { IsRecording = false }, input);
            var ort = OnnxTestRunner.Run(model, ("x", input.Span.ToArray(), shape.Select(d => (long)d).ToArray()))[output];
            Assert.Equal(engine.Shape.Select(d => (long)d), ort.dims);
            OnnxTestRunner.AssertClose(engine.Span.ToArray(), ort.values);
        }
    }

    /// <summary>As <see cref="AssertParity"/> for an int64 (N, T) token-id input "x"; the engine gets the same ids as floats.</summary>
    internal static void AssertTokenParity(Module module, int vocabulary, (int batch, int length)[] shapes, int seed = 1)
    {
        module.SetTraining(false);
        byte[] model = ExportAlone(module, OnnxElementType.Int64, ["N", "T"], out string output);
        var rng = new Rng(seed);
        foreach ((int n, int t) in shapes)
        {
            var ids = Enumerable.Range(0, n * t).Select(_ => (long)rng.NextInt(vocabulary)).ToArray();
            var engine = module.Forward(new Tape { IsRecording = false }, Tensor.FromArray(ids.Select(i => (float)i).ToArray(), n, t));
            var ort = OnnxTestRunner.RunTensors(model, OnnxTestInput.Int64("x", ids, n, t))[output];
            Assert.Equal(engine.Shape.Select(d => (long)d), ort.Dims);
            OnnxTestRunner.AssertClose(engine.Span.ToArray(), ort.Floats);
        }
    }

    private static byte[] ExportAlone(Module module, OnnxElementType type, OnnxDim[] dims, out string output)
    {
        var graph = new OnnxGraphBuilder("parity");
        string x = graph.AddInput("x", type, dims);
        string y = ModuleExporter.Export(graph, module, x);
        output = graph.AddNode("Identity", [y]);
        graph.AddOutput(output, OnnxElementType.Float);
        byte[] model = OnnxModelWriter.Write(graph);
        OnnxStructure.AssertWellFormed(model);
        return model;
    }

    private static int[][] Batches(params int[] rest) => [[1, .. rest], [5, .. rest]];

    [Fact]
    public void Conv2dSquarePadded() => AssertParity(new Conv2d(3, 4, 3, new Rng(1), padding: 1), ["N", 3, 8, 7], Batches(3, 8, 7));

    [Fact]
    public void Conv2dNonSquareStridedDilatedWithoutBias() =>
        AssertParity(new Conv2d(2, 5, new Window2d(2, 3, 2, 1, 1, 0, 2, 2), new Rng(2), bias: false), ["N", 2, 9, 10], Batches(2, 9, 10));

    [Fact]
    public void Conv2dOneByOne() => AssertParity(new Conv2d(4, 3, 1, new Rng(3)), ["N", 4, 5, 5], Batches(4, 5, 5));

    [Fact]
    public void Conv1dStridedPaddedDilated() =>
        AssertParity(new Conv1d(3, 4, 3, new Rng(4), stride: 2, padding: 1, dilation: 2), ["N", 3, "L"], [[1, 3, 11], [5, 3, 8]]);

    [Fact]
    public void MaxPool2dPaddedAndDefaultStride()
    {
        AssertParity(new MaxPool2d(3, 2, 1), ["N", 2, 7, 8], Batches(2, 7, 8));
        AssertParity(new MaxPool2d(2), ["N", 2, 7, 8], Batches(2, 7, 8));
        AssertParity(new MaxPool2d(new Window2d(3, 2, 1, 2, 1, 0)), ["N", 2, 6, 7], Batches(2, 6, 7));
    }

    [Fact]
    public void AvgPool2dCountsPadding()
    {
        AssertParity(new AvgPool2d(3, 2, 1), ["N", 2, 7, 8], Batches(2, 7, 8));
        AssertParity(new AvgPool2d(2), ["N", 2, 7, 8], Batches(2, 7, 8));
    }

    [Fact]
    public void Pool1d()
    {
        AssertParity(new MaxPool1d(3, 2, 1), ["N", 3, "L"], [[1, 3, 9], [5, 3, 6]]);
        AssertParity(new AvgPool1d(4, 3, 2), ["N", 3, "L"], [[1, 3, 9], [5, 3, 6]]);
    }

    [Fact]
    public void GlobalPoolsFlatten()
    {
        AssertParity(new GlobalAvgPool(), ["N", 3, "H", "W"], [[1, 3, 4, 5], [5, 3, 2, 7]]);
        AssertParity(new GlobalMaxPool(), ["N", 3, "L"], [[1, 3, 9], [5, 3, 4]]);
    }

    [Theory]
    [InlineData(nameof(PyramidPoolKind.Max))]
    [InlineData(nameof(PyramidPoolKind.Average))]
    public void SpatialPyramidPoolOneModelForEveryInputSize(string kindName) =>
        // The same exported model (symbolic H, W) at 7×9, 13×13 and smaller than the finest level (3×2).
        AssertParity(new SpatialPyramidPool([1, 2, 4], Enum.Parse<PyramidPoolKind>(kindName)), ["N", 3, "H", "W"], [[1, 3, 7, 9], [4, 3, 13, 13], [2, 3, 3, 2]]);

    [Fact]
    public void FlattenPermuteAndDropout2d()
    {
        AssertParity(new Flatten(), ["N", 2, 3, 4], Batches(2, 3, 4));
        AssertParity(new Permute(0, 2, 1), ["N", "T", 4], [[1, 6, 4], [5, 3, 4]]);
        AssertParity(new Dropout2d(0.5f, new Rng(5)), ["N", 2, 3, 3], Batches(2, 3, 3));
    }

    [Fact]
    public void EmbeddingAsGather() =>
        AssertTokenParity(new Embedding(11, 4, new Rng(6), paddingIndex: 0), 11, [(1, 7), (5, 3)]);

    [Fact]
    public void ConvBatchNormReluMaxPoolFlattenLinear()
    {
        var rng = new Rng(7);
        var net = new Sequential(new Conv2d(1, 4, 3, rng, padding: 1), new BatchNorm(4), new Activation(ActivationKind.Relu),
            new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 3, rng));
        var x = Tensor.Zeros(8, 1, 8, 8);
        for (int i = 0; i < x.Length; i++) x.Span[i] = (float)rng.NextGaussian();
        net.Forward(new Tape(), x); // move BatchNorm's running statistics
        AssertParity(net, ["N", 1, 8, 8], Batches(1, 8, 8));
    }

    [Fact]
    public void TextCnnEmbeddingPermuteConv1dMaxOverTimeLinear()
    {
        var rng = new Rng(8);
        var net = new Sequential(new Embedding(20, 6, rng, paddingIndex: 0), new Permute(0, 2, 1), new Conv1d(6, 5, 3, rng, padding: 1),
            new Activation(ActivationKind.Relu), new Dropout2d(0.3f, rng), new GlobalMaxPool(), new Linear(5, 2, rng));
        AssertTokenParity(net, 20, [(1, 9), (5, 4)]);
    }
}
