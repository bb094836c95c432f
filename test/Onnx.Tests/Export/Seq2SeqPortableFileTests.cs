using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// A decoding file is usable without ML.NET: a reader that knows only the file tokenises text with the vocabulary in
/// its metadata (docs/seq2seq-onnx-format.md), runs it in ONNX Runtime and decodes the tokens back to text, getting the
/// engine's outputs; the metadata states the decoding settings of the graph.
/// </summary>
public class Seq2SeqPortableFileTests
{
    private static readonly string[] SourceTokens = ["a", "b", "c", "d", "e", "f", "g", "h"];
    private static readonly string[] TargetTokens = ["A", "B", "C", "D", "E"];

    private static Seq2Seq Model()
    {
        var spec = new Seq2SeqSpec(SourceTokens.Length + Seq2SeqTokens.Reserved, TargetTokens.Length + Seq2SeqTokens.Reserved, 5,
            RecurrentCellKind.Gru, 6, 1, true, AttentionKind.General, false, 0f);
        var model = new Seq2Seq(spec, new Rng(3));
        foreach (var p in model.Output.Parameters()) for (int i = 0; i < p.Length; i++) p.Span[i] *= 6f;
        model.SetTraining(false);
        return model;
    }

    [Fact]
    public void AReaderWithOnlyTheFileGetsTheEnginesOutputs()
    {
        var model = Model();
        var settings = new BeamSearchSettings(BeamSize: 3, NBest: 2, MaxLength: 8, LengthPenalty: LengthPenaltyKind.Gnmt, Alpha: 0.7f);
        byte[] file = Seq2SeqOnnx.BeamSearchModel(model, settings, description: new Seq2SeqFileDescription(SourceTokens, TargetTokens, "characters", "characters"),
            names: new Seq2SeqGraphNames("ids", "hypotheses", "hypothesis_scores", "weights")); // the reader must take the names from the metadata

        using var session = new InferenceSession(file);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("sequence-to-sequence", metadata["mlnetdeep.task"]);
        using var json = JsonDocument.Parse(metadata[Seq2SeqFileDescription.MetadataKey]);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("format_version").GetInt32());
        var decoding = root.GetProperty("decoding");
        Assert.Equal(3, decoding.GetProperty("beam_size").GetInt32());
        Assert.Equal(2, decoding.GetProperty("n_best").GetInt32());
        Assert.Equal("gnmt", decoding.GetProperty("length_penalty").GetString());

        // What a Node or Python reader does: the vocabularies and ids from the metadata only.
        var source = root.GetProperty("source_vocabulary").EnumerateArray().Select(e => e.GetString()!).ToList();
        var target = root.GetProperty("target_vocabulary").EnumerateArray().Select(e => e.GetString()!).ToList();
        int first = root.GetProperty("first_token_id").GetInt32(), unknown = root.GetProperty("special_ids").GetProperty("unknown").GetInt32();
        int eos = root.GetProperty("special_ids").GetProperty("eos").GetInt32();
        string separator = root.GetProperty("target_token_separator").GetString()!;
        var graph = root.GetProperty("graph");
        foreach (string text in new[] { "abc", "hgfe", "", "axz" }) // "x", "z": unknown characters
        {
            long[] ids = text.Select(ch => (long)(source.IndexOf(ch.ToString()) is int i and >= 0 ? first + i : unknown)).ToArray();
            var outputs = OnnxTestRunner.RunTensors(file, OnnxTestInput.Int64(graph.GetProperty("source").GetString()!, ids, 1, ids.Length));
            var tokens = outputs[graph.GetProperty("tokens").GetString()!].Int64s;
            int t = (int)outputs[graph.GetProperty("tokens").GetString()!].Dims[2];
            var fromFile = Enumerable.Range(0, 2).Select(j => string.Join(separator,
                tokens.Skip(j * t).Take(t).TakeWhile(x => x != eos).Select(x => x == unknown ? "" : target[(int)x - first]))).ToArray();

            var engine = Seq2SeqDecoder.BeamSearch(model, [[.. ids.Select(x => (int)x), Seq2SeqTokens.Eos]], settings)[0];
            var fromEngine = engine.Select(h => string.Join("", h.Tokens.Select(x => x == Seq2SeqTokens.Unknown ? "" : TargetTokens[x - Seq2SeqTokens.Reserved]))).ToArray();
            Assert.Equal(fromEngine, fromFile);
        }
    }

    [Fact]
    public void VocabulariesMustMatchTheNetwork()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Seq2SeqOnnx.BeamSearchModel(Model(), new BeamSearchSettings(), description: new Seq2SeqFileDescription(SourceTokens[1..], TargetTokens, "characters", "characters")));
        Assert.Contains("vocabularies", error.Message);
    }
}
