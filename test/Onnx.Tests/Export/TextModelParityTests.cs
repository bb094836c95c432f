using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// Text networks behind the token input: ML.NET sends uint32 keys of varying length; the graph pads or truncates to
/// T ids like the trainer, so engine (on padded ids) and ONNX Runtime (on raw keys) must agree.
/// </summary>
public class TextModelParityTests
{
    private const int Vocabulary = 12, Length = 7, PadId = 11;

    // Rows of different lengths, including an empty text and one longer than T.
    private static readonly uint[][] Texts = [[3, 1, 4, 1, 5], [], [9, 2, 6, 5, 3, 5, 8, 9, 7], [0, 10]];

    private static float[] PaddedIds(uint[][] rows)
    {
        var ids = new float[rows.Length * Length];
        for (int r = 0; r < rows.Length; r++)
            for (int t = 0; t < Length; t++) ids[r * Length + t] = t < rows[r].Length ? rows[r][t] : PadId;
        return ids;
    }

    private static void AssertParity(Module network, double atol)
    {
        network.SetTraining(false);
        var graph = new OnnxGraphBuilder("text");
        string ids = new TokenGraphInput("Tokens", Length, PadId).Add(graph).Features;
        string output = graph.AddNode("Identity", [ModuleExporter.Export(graph, network, ids)]);
        graph.AddOutput(output, OnnxElementType.Float);
        byte[] model = OnnxModelWriter.Write(graph);
        OnnxStructure.AssertWellFormed(model);
        // ML.NET sends one row at a time ([1, S], S varying); also check a batch of equal-length rows.
        foreach (var row in Texts)
        {
            var engine = network.Forward(new Tape { IsRecording = false }, Tensor.FromArray(PaddedIds([row]), 1, Length)).Span.ToArray();
            var ort = OnnxTestRunner.RunTensors(model, OnnxTestInput.UInt32("Tokens", row, 1, row.Length))[output].Floats;
            OnnxTestRunner.AssertClose(engine, ort, atol);
        }
        uint[][] batch = [[1, 2, 3], [4, 5, 6], [7, 8, 0]];
        var batchEngine = network.Forward(new Tape { IsRecording = false }, Tensor.FromArray(PaddedIds(batch), 3, Length)).Span.ToArray();
        var batchOrt = OnnxTestRunner.RunTensors(model, OnnxTestInput.UInt32("Tokens", batch.SelectMany(r => r).ToArray(), 3, 3))[output].Floats;
        OnnxTestRunner.AssertClose(batchEngine, batchOrt, atol);
    }

    [Fact]
    public void TextCnnMatchesOnnxRuntime() =>
        AssertParity(TextCnn.Build(new TextCnnArchitecture(Vocabulary, PadId, Length, 5, [2, 3], 4, 0.5f, 3), new Rng(1)), 1e-5);

    [Theory]
    [InlineData(RecurrentCellKind.Lstm, true)]
    [InlineData(RecurrentCellKind.Gru, false)]
    public void TextRecurrentEncoderMatchesOnnxRuntime(RecurrentCellKind cell, bool bidirectional)
    {
        var rng = new Rng(2);
        var embedding = new Embedding(Vocabulary, 4, rng, PadId);
        RecurrentLayer recurrent = cell == RecurrentCellKind.Lstm ? new Lstm(4, 3, rng, 2, bidirectional) : new Gru(4, 3, rng, 1, bidirectional);
        var encoder = new TextRecurrentEncoder(embedding, recurrent, PadId);
        AssertParity(new Sequential(encoder, new Linear(encoder.OutputSize, 2, rng)), 1e-4);
    }
}
