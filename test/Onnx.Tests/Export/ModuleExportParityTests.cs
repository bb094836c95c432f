using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>Engine inference vs ONNX Runtime for every exported module, at two batch sizes, optimisations off and on.</summary>
public class ModuleExportParityTests
{
    private static readonly int[] BatchSizes = [1, 7];

    /// <summary>Exports <paramref name="module"/> alone (input "x" [N, F]) and compares with the engine at each batch size.</summary>
    internal static void AssertParity(Module module, int features, int seed = 1, float scale = 1f, double atol = 1e-5)
    {
        module.SetTraining(false);
        var graph = new OnnxGraphBuilder("parity");
        string x = graph.AddInput("x", OnnxElementType.Float, "N", features);
        string y = ModuleExporter.Export(graph, module, x);
        string output = graph.AddNode("Identity", [y]);
        graph.AddOutput(output, OnnxElementType.Float);
        byte[] model = OnnxModelWriter.Write(graph);
        OnnxStructure.AssertWellFormed(model);

        var rng = new Rng(seed);
        foreach (int n in BatchSizes)
        {
            var input = Tensor.Zeros(n, features);
            for (int i = 0; i < input.Length; i++) input.Span[i] = (float)rng.NextGaussian() * scale;
            var engine = module.Forward(new Tape { IsRecording = false }, input).Span.ToArray();
            var ort = OnnxTestRunner.Run(model, ("x", input.Span.ToArray(), [n, features]))[output];
            OnnxTestRunner.AssertClose(engine, ort.values, atol);
        }
    }

    [Fact]
    public void LinearWithAndWithoutBias()
    {
        AssertParity(new Linear(5, 3, new Rng(1)), 5);
        AssertParity(new Linear(5, 3, new Rng(2), bias: false), 5);
    }

    [Theory]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.Tanh)]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.LeakyRelu)]
    public void Activations(ActivationKind kind) => AssertParity(new Activation(kind, alpha: 0.3f), 6, scale: 3f);

    [Fact]
    public void DropoutIsIdentityAtInference() => AssertParity(new Dropout(0.5f, new Rng(3)), 4);

    [Fact]
    public void BatchNormUsesRunningStatistics()
    {
        var bn = new BatchNorm(4, epsilon: 1e-3f);
        // Train a few batches so the running statistics and γ, β are not their initial values.
        var rng = new Rng(5);
        for (int step = 0; step < 5; step++)
        {
            var x = Tensor.Zeros(8, 4);
            for (int i = 0; i < x.Length; i++) x.Span[i] = 3f + 2f * (float)rng.NextGaussian();
            bn.Forward(new Tape(), x);
        }
        for (int c = 0; c < 4; c++) { bn.Gamma.Span[c] = 0.5f + c; bn.Beta.Span[c] = -0.25f * c; }
        AssertParity(bn, 4, scale: 3f);
    }

    [Fact]
    public void MultilayerPerceptronWithEveryLayerKind()
    {
        var net = Mlp.Build(new MlpArchitecture(6, [8, 5], 3, ActivationKind.LeakyRelu, 0.1f, DropoutRate: 0.3f, BatchNorm: true), new Rng(9));
        net.SetTraining(true);
        var rng = new Rng(4);
        var x = Tensor.Zeros(16, 6);
        for (int i = 0; i < x.Length; i++) x.Span[i] = (float)rng.NextGaussian();
        net.Forward(new Tape(), x); // move BatchNorm's running statistics
        AssertParity(net, 6);
    }

    [Fact]
    public void UnknownModuleIsRejectedByName()
    {
        var ex = Assert.Throws<NotSupportedException>(() => ModuleExporter.Export(new OnnxGraphBuilder("g"), new Unexportable(), "x"));
        Assert.Contains("Unexportable", ex.Message);
    }

    private sealed class Unexportable : Module
    {
        public override Tensor Forward(Tape tape, Tensor x) => x;
    }
}
