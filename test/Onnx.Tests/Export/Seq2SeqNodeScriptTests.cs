using System.Text.Json;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Tests.Shared;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// The Node example (examples/G2P/node/decode.mjs, onnxruntime-node) decodes a sequence-to-sequence file with nothing
/// but the file and prints the engine's hypotheses and scores; its errors are clear and exit with code 1. Skipped
/// (not failed) where Node.js or npm is missing; the first test of a fresh clone also runs <c>npm install</c>.
/// </summary>
public class Seq2SeqNodeScriptTests
{
    private static readonly string[] Characters = ["a", "b", "c", "d", "e", "f", "g", "h"];
    private static readonly string[] UpperCharacters = ["A", "B", "C", "D", "E"];
    private static readonly string[] Phonemes = ["AH", "B", "K", "D", "EH", "F"];

    // Empty, unknown characters (x, z, a space, é, and an emoji: two UTF-16 code units, each unknown) and repeats.
    private static readonly string[] Texts = ["abc", "hgfe", "", "axz", "a b", "\u00e9d\U0001F600", "aaaaaaa"];

    private static readonly BeamSearchSettings Settings = new(BeamSize: 3, NBest: 2, MaxLength: 8, LengthPenalty: LengthPenaltyKind.Gnmt, Alpha: 0.7f);

    public static TheoryData<string, string> Units => new() { { "characters", "words" }, { "characters", "characters" } };

    [NodeTheory]
    [MemberData(nameof(Units))]
    public void TheScriptPrintsTheEnginesHypothesesAndScores(string sourceUnit, string targetUnit)
    {
        string[] targetTokens = targetUnit == "words" ? Phonemes : UpperCharacters;
        var model = Model(Characters.Length, targetTokens.Length);
        byte[] file = Seq2SeqOnnx.BeamSearchModel(model, Settings,
            description: new Seq2SeqFileDescription(Characters, targetTokens, sourceUnit, targetUnit),
            names: new Seq2SeqGraphNames("letters", "outputs", "output_scores", "alignment")); // the script must take the names from the metadata

        var lines = WithFile(file, path => NodeScript.DecodeJson(path, Texts));

        Assert.Equal(Texts.Length, lines.Count);
        var sources = Texts.Select(t => t.Select(ch => Array.IndexOf(Characters, ch.ToString()) is int i and >= 0 ? i + Seq2SeqTokens.Reserved : Seq2SeqTokens.Unknown)
            .Append(Seq2SeqTokens.Eos).ToArray()).ToList();
        var engine = Seq2SeqDecoder.BeamSearch(model, sources, Settings);
        string separator = targetUnit == "words" ? " " : "";
        for (int n = 0; n < Texts.Length; n++)
        {
            using var json = JsonDocument.Parse(lines[n]);
            var root = json.RootElement;
            Assert.Equal(Texts[n], root.GetProperty("source").GetString());
            var expected = engine[n].Select(h => string.Join(separator, h.Tokens
                .Select(x => x == Seq2SeqTokens.Unknown ? "" : targetTokens[x - Seq2SeqTokens.Reserved]).Where(s => s.Length > 0))).ToArray();
            Assert.Equal(expected, root.GetProperty("hypotheses").EnumerateArray().Select(e => e.GetString()!).ToArray());
            var scores = root.GetProperty("scores").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(engine[n].Length, scores.Length);
            for (int j = 0; j < scores.Length; j++) Assert.True(Math.Abs(scores[j] - engine[n][j].Score) <= 1e-5, $"text {n} ({Texts[n]}), hypothesis {j}: {scores[j]} vs {engine[n][j].Score}");
        }
    }

    [NodeFact]
    public void AFileOfAnotherTaskIsRefusedClearly()
    {
        var result = WithFile(ReluModel(new() { ["mlnetdeep.task"] = "classification" }), path => NodeScript.Run([path, "abc"]));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not a sequence-to-sequence model from MlNetDeep (\"mlnetdeep.task\" is \"classification\"", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [NodeFact]
    public void AFileWithoutMetadataIsRefusedClearly()
    {
        var result = WithFile(ReluModel([]), path => NodeScript.Run([path, "--json", "abc"]));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not a sequence-to-sequence model from MlNetDeep (its metadata has no \"mlnetdeep.task\")", result.Stderr);
    }

    [NodeFact]
    public void ANewerFormatVersionIsRefusedClearly()
    {
        var metadata = new Dictionary<string, string> { ["mlnetdeep.task"] = "sequence-to-sequence", ["mlnetdeep.seq2seq"] = "{\"format_version\":2}" };
        var result = WithFile(ReluModel(metadata), path => NodeScript.Run([path, "abc"]));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("format_version 2; this script reads version 1 only", result.Stderr);
    }

    [NodeFact]
    public void AMissingFileAndBadArgumentsAreReported()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"mlnetdeep-missing-{Guid.NewGuid():N}.onnx");
        var result = NodeScript.Run([missing, "abc"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"model file not found: {missing}", result.Stderr);

        var noModel = NodeScript.Run(["--json"]);
        Assert.Equal(1, noModel.ExitCode);
        Assert.Contains("no model file given", noModel.Stderr);
        Assert.Contains("usage: node decode.mjs", noModel.Stderr);

        var unknownOption = NodeScript.Run([missing, "--beam=4", "abc"]);
        Assert.Equal(1, unknownOption.ExitCode);
        Assert.Contains("unknown option --beam=4", unknownOption.Stderr);
    }

    private static Seq2Seq Model(int sourceTokens, int targetTokens)
    {
        var spec = new Seq2SeqSpec(sourceTokens + Seq2SeqTokens.Reserved, targetTokens + Seq2SeqTokens.Reserved, 5,
            RecurrentCellKind.Gru, 6, 1, true, AttentionKind.General, false, 0f);
        var model = new Seq2Seq(spec, new Rng(3));
        // Sharper output distributions, so the beams differ and the n-best hypotheses are distinct.
        foreach (var p in model.Output.Parameters()) for (int i = 0; i < p.Length; i++) p.Span[i] *= 6f;
        model.SetTraining(false);
        return model;
    }

    // A valid ONNX file that is not a decoding model: y = Relu(x), with the given metadata.
    private static byte[] ReluModel(Dictionary<string, string> metadata)
    {
        var g = new OnnxGraphBuilder("not_seq2seq");
        string x = g.AddInput("x", OnnxElementType.Float, 2);
        g.AddNodeWithOutputs("Relu", [x], ["y"]);
        g.AddOutput("y", OnnxElementType.Float, 2);
        return OnnxModelWriter.Write(g, new OnnxModelOptions { Metadata = metadata });
    }

    private static T WithFile<T>(byte[] file, Func<string, T> use)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnetdeep-node-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, file);
        try { return use(path); }
        finally { File.Delete(path); }
    }
}
