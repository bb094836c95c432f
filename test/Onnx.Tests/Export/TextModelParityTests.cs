using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// Text networks behind the token input: ML.NET sends uint32 keys of varying length; the graph pads or truncates to
/// T ids like the trainer (or, in reject mode, pads and fails on longer rows), so engine (on padded ids) and ONNX
/// Runtime (on raw keys) must agree.
/// </summary>
public class TextModelParityTests
{
    private const int Vocabulary = 12, Length = 7, PadId = 11;

    // Rows of different lengths, including an empty text and one longer than T.
    private static readonly uint[][] Texts = [[3, 1, 4, 1, 5], [], [9, 2, 6, 5, 3, 5, 8, 9, 7], [0, 10]];

    // Reject mode: rows of at most T keys (empty, shorter, exactly T), and the node that fails on longer rows.
    private static readonly uint[][] FittingTexts = [[3, 1, 4, 1, 5], [], [9, 2, 6, 5, 3, 5, 8], [0, 10]];
    private const string RejectionNode = "Tokens_has_more_than_7_tokens_LongerTexts_Reject";

    private static float[] PaddedIds(uint[][] rows)
    {
        var ids = new float[rows.Length * Length];
        for (int r = 0; r < rows.Length; r++)
            for (int t = 0; t < Length; t++) ids[r * Length + t] = t < rows[r].Length ? rows[r][t] : PadId;
        return ids;
    }

    private static (byte[] Model, string Output) Export(Module network, bool reject)
    {
        network.SetTraining(false);
        var graph = new OnnxGraphBuilder("text");
        var input = new TokenGraphInput("Tokens", Length, PadId) { RejectionNodeName = reject ? RejectionNode : null };
        string ids = input.Add(graph).Features;
        string output = graph.AddNode("Identity", [ModuleExporter.Export(graph, network, ids)]);
        graph.AddOutput(output, OnnxElementType.Float);
        byte[] model = OnnxModelWriter.Write(graph);
        OnnxStructure.AssertWellFormed(model);
        return (model, output);
    }

    private static void AssertParity(Module network, double atol, bool reject = false)
    {
        var (model, output) = Export(network, reject);
        // ML.NET sends one row at a time ([1, S], S varying); also check batches of equal-length rows (shorter than T and exactly T).
        foreach (var row in reject ? FittingTexts : Texts)
        {
            var engine = network.Forward(new Tape { IsRecording = false }, Tensor.FromArray(PaddedIds([row]), 1, Length)).Span.ToArray();
            var ort = OnnxTestRunner.RunTensors(model, OnnxTestInput.UInt32("Tokens", row, 1, row.Length))[output].Floats;
            OnnxTestRunner.AssertClose(engine, ort, atol);
        }
        uint[][][] batches = [[[1, 2, 3], [4, 5, 6], [7, 8, 0]], [[1, 2, 3, 4, 5, 6, 7], [10, 9, 8, 7, 6, 5, 4]]];
        foreach (var batch in batches)
        {
            int n = batch.Length, s = batch[0].Length;
            var batchEngine = network.Forward(new Tape { IsRecording = false }, Tensor.FromArray(PaddedIds(batch), n, Length)).Span.ToArray();
            var batchOrt = OnnxTestRunner.RunTensors(model, OnnxTestInput.UInt32("Tokens", batch.SelectMany(r => r).ToArray(), n, s))[output].Floats;
            OnnxTestRunner.AssertClose(batchEngine, batchOrt, atol);
        }
    }

    private static Module Cnn() => TextCnn.Build(new TextCnnSpec(Vocabulary, PadId, Length, 5, [2, 3], 4, 0.5f, 3), new Rng(1));

    private static Module Recurrent(RecurrentCellKind cell, bool bidirectional)
    {
        var rng = new Rng(2);
        var embedding = new Embedding(Vocabulary, 4, rng, PadId);
        RecurrentLayer recurrent = cell == RecurrentCellKind.Lstm ? new Lstm(4, 3, rng, 2, bidirectional) : new Gru(4, 3, rng, 1, bidirectional);
        var encoder = new TextRecurrentEncoder(embedding, recurrent, PadId);
        return new Sequential(encoder, new Linear(encoder.OutputSize, 2, rng));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TextCnnMatchesOnnxRuntime(bool reject) => AssertParity(Cnn(), 1e-5, reject);

    [Theory]
    [InlineData(RecurrentCellKind.Lstm, true, false)]
    [InlineData(RecurrentCellKind.Gru, false, false)]
    [InlineData(RecurrentCellKind.Lstm, true, true)]
    public void TextRecurrentEncoderMatchesOnnxRuntime(RecurrentCellKind cell, bool bidirectional, bool reject) =>
        AssertParity(Recurrent(cell, bidirectional), 1e-4, reject);

    [Theory]
    [InlineData(1, 8)]
    [InlineData(1, 14)] // 2T: a reshape to [−1, T] would silently make two rows of it
    [InlineData(3, 9)]
    public void RejectModeFailsOnLongerRowsNamingTheNode(int n, int s)
    {
        var (model, _) = Export(Cnn(), reject: true);
        var keys = Enumerable.Range(0, n * s).Select(i => (uint)(i % 10 + 1)).ToArray();
        foreach (var level in OnnxTestRunner.Levels)
        {
            var ex = Assert.Throws<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(() =>
                OnnxTestRunner.RunAtLevel(model, level, OnnxTestInput.UInt32("Tokens", keys, n, s)));
            Assert.Contains(RejectionNode, ex.Message);
            Assert.Contains($"{{{n},{s}}}", ex.Message); // the input's shape
        }
    }

    [Fact]
    public void RejectModeNamesOneNodeAndLeavesTruncationAlone()
    {
        var rejecting = OnnxStructure.AssertWellFormed(Export(Cnn(), reject: true).Model);
        Assert.Single(rejecting.Graph.Node, node => node.Name == RejectionNode && node.OpType == "Reshape");
        var truncating = OnnxStructure.AssertWellFormed(Export(Cnn(), reject: false).Model);
        Assert.DoesNotContain(truncating.Graph.Node, node => node.Name == RejectionNode);
    }
}
