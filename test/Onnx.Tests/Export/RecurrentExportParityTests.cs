using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// Engine vs ONNX Runtime for Rnn/Lstm/Gru exported with the native operators: each cell, uni- and bidirectional,
/// one and two layers, two batch sizes × two sequence lengths, full-length and padded batches (sequence_lens int32),
/// ORT optimisations off and on (OnnxTestRunner runs both and checks they agree).
/// </summary>
public class RecurrentExportParityTests
{
    private const int InputSize = 3, Hidden = 4;

    // Absolute tolerance 1e-4 (relative 1e-3): ORT's recurrent kernels use their own GEMM and activation
    // approximations (e.g. vectorised tanh/sigmoid); the float32 differences compound over the recurrence of T steps.
    private const double Atol = 1e-4, Rtol = 1e-3;

    public static TheoryData<RecurrentCellKind, bool, bool, int> Cases()
    {
        var data = new TheoryData<RecurrentCellKind, bool, bool, int>();
        foreach (var (cell, act) in new[] { (RecurrentCellKind.Rnn, RnnActivation.Tanh), (RecurrentCellKind.Rnn, RnnActivation.Relu),
                     (RecurrentCellKind.Lstm, RnnActivation.Tanh), (RecurrentCellKind.Gru, RnnActivation.Tanh) })
            foreach (bool bidirectional in new[] { false, true })
                foreach (int layers in new[] { 1, 2 })
                    data.Add(cell, act == RnnActivation.Relu, bidirectional, layers);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EngineMatchesOnnxRuntimeWithSequenceLengths(RecurrentCellKind cell, bool relu, bool bidirectional, int layers)
    {
        var activation = relu ? RnnActivation.Relu : RnnActivation.Tanh;
        var layer = MakeLayer(cell, activation, bidirectional, layers, seed: 3);
        var graph = new OnnxGraphBuilder("recurrent");
        string x = graph.AddInput("x", OnnxElementType.Float, "N", "T", InputSize);
        string lens = graph.AddInput("lens", OnnxElementType.Int32, "N");
        var result = RecurrentExporter.ExportAllOutputs(graph, layer, x, lens);
        graph.AddOutput(result.Output, OnnxElementType.Float);
        graph.AddOutput(result.FinalHidden, OnnxElementType.Float);
        if (result.FinalCell is not null) graph.AddOutput(result.FinalCell, OnnxElementType.Float);
        byte[] model = OnnxModelWriter.Write(graph);
        var proto = OnnxStructure.AssertWellFormed(model);
        var node = proto.Graph.Node.First(n => n.OpType is "RNN" or "LSTM" or "GRU");
        if (cell == RecurrentCellKind.Gru) Assert.Contains(node.Attribute, a => a.Name == "linear_before_reset" && a.I == 1);
        Assert.Equal(layers, proto.Graph.Node.Count(n => n.OpType == node.OpType));

        var rng = new Rng(17);
        foreach (int t in new[] { 2, 6 })
            foreach (int[] lengths in new[] { new[] { t }, new[] { t, 1, t - 1 }, Enumerable.Repeat(t, 3).ToArray() })
            {
                int n = lengths.Length;
                var input = RandomInput(rng, n, t);
                var engine = layer.Forward(new Tape { IsRecording = false }, input, lengths);
                var ort = OnnxTestRunner.RunTensors(model,
                    [OnnxTestInput.Float("x", input.Span.ToArray(), n, t, InputSize), OnnxTestInput.Int32("lens", lengths, n)], Atol, Rtol);
                string where = $"{cell} {activation} dirs={layer.Directions} layers={layers} N={n} T={t} lens=[{string.Join(",", lengths)}]";
                var y = ort[result.Output];
                Assert.Equal([n, t, (long)layer.OutputSize], y.Dims);
                OnnxTestRunner.AssertClose(engine.Output.Span.ToArray(), y.Floats, Atol, Rtol, where + " Y");
                // Y is zero past each length.
                for (int b = 0; b < n; b++)
                    for (int s = lengths[b]; s < t; s++)
                        for (int f = 0; f < layer.OutputSize; f++)
                            Assert.Equal(0f, y.Floats[(b * t + s) * layer.OutputSize + f]);
                Assert.Equal([(long)layers * layer.Directions, n, Hidden], ort[result.FinalHidden].Dims);
                OnnxTestRunner.AssertClose(engine.FinalHidden.Span.ToArray(), ort[result.FinalHidden].Floats, Atol, Rtol, where + " Y_h");
                if (result.FinalCell is not null)
                    OnnxTestRunner.AssertClose(engine.FinalCell!.Span.ToArray(), ort[result.FinalCell].Floats, Atol, Rtol, where + " Y_c");
            }
    }

    [Theory]
    [InlineData(RecurrentCellKind.Rnn)]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    public void ModuleExporterWithoutSequenceLengths(RecurrentCellKind cell)
    {
        var layer = MakeLayer(cell, RnnActivation.Tanh, bidirectional: true, layers: 2, seed: 8);
        layer.SetTraining(false);
        var graph = new OnnxGraphBuilder("module");
        string x = graph.AddInput("x", OnnxElementType.Float, "N", "T", InputSize);
        string y = ModuleExporter.Export(graph, layer, x);
        graph.AddOutput(y, OnnxElementType.Float);
        byte[] model = OnnxModelWriter.Write(graph);
        OnnxStructure.AssertWellFormed(model);
        var rng = new Rng(2);
        foreach (int n in new[] { 1, 4 })
            foreach (int t in new[] { 1, 7 })
            {
                var input = RandomInput(rng, n, t);
                var engine = layer.Forward(new Tape { IsRecording = false }, input).Span.ToArray();
                var ort = OnnxTestRunner.RunTensors(model, [OnnxTestInput.Float("x", input.Span.ToArray(), n, t, InputSize)], Atol, Rtol);
                OnnxTestRunner.AssertClose(engine, ort[y].Floats, Atol, Rtol, $"{cell} N={n} T={t}");
            }
    }

    private static RecurrentLayer MakeLayer(RecurrentCellKind cell, RnnActivation activation, bool bidirectional, int layers, int seed)
    {
        var rng = new Rng(seed);
        RecurrentLayer layer = cell switch
        {
            RecurrentCellKind.Lstm => new Lstm(InputSize, Hidden, rng, layers, bidirectional, dropoutBetweenLayers: 0.3f),
            RecurrentCellKind.Gru => new Gru(InputSize, Hidden, rng, layers, bidirectional, dropoutBetweenLayers: 0.3f),
            _ => new Rnn(InputSize, Hidden, rng, layers, bidirectional, dropoutBetweenLayers: 0.3f, activation: activation),
        };
        // Non-zero biases everywhere (the defaults are mostly zero), so a bias in the wrong block or half shows up.
        foreach (var b in layer.Biases)
            for (int i = 0; i < b.Length; i++) b.Span[i] += rng.Uniform(-0.5f, 0.5f);
        layer.SetTraining(false);
        return layer;
    }

    private static Tensor RandomInput(Rng rng, int n, int t)
    {
        var input = Tensor.Zeros(n, t, InputSize);
        for (int i = 0; i < input.Length; i++) input.Span[i] = (float)rng.NextGaussian();
        return input;
    }
}
