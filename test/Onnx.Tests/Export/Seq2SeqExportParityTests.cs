using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// The exported decoder against the engine's: the beam-search graph (encoder, Loop, final selection) gives the engine's
/// tokens and scores for every cell, attention kind, input feeding, stacked and bidirectional encoders, K = 1 and K &gt; 1,
/// n-best, each length penalty and length limit, repeated n-gram blocking, on padded batches with an empty source and a
/// 30-token source, at both ORT optimisation levels;
/// the standalone step graph gives the engine's step. Networks are untrained with sharpened outputs (peaked, varied choices).
/// </summary>
public class Seq2SeqExportParityTests
{
    private const int SourceVocabulary = 12, TargetVocabulary = 9;

    private static Seq2Seq Model(string cell, string attention, bool bidirectional, bool feeding, int layers, int seed)
    {
        var spec = new Seq2SeqSpec(SourceVocabulary, TargetVocabulary, 5, Enum.Parse<RecurrentCellKind>(cell), 6, layers, bidirectional,
            Enum.Parse<AttentionKind>(attention), feeding, 0f);
        var model = new Seq2Seq(spec, new Rng(seed));
        foreach (var p in model.Output.Parameters()) for (int i = 0; i < p.Length; i++) p.Span[i] *= 6f;
        model.SetTraining(false);
        return model;
    }

    private static List<int[]> Sources(int count, int seed)
    {
        var rng = new Rng(seed);
        var sources = Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, 1 + rng.NextInt(6)).Select(_ => Seq2SeqTokens.Reserved + rng.NextInt(8)).Append(Seq2SeqTokens.Eos).ToArray())
            .ToList();
        sources[count / 2] = [Seq2SeqTokens.Eos]; // an empty text
        // A source far longer than the others (and than any a model of this size would be trained on).
        sources[^1] = Enumerable.Range(0, 30).Select(i => Seq2SeqTokens.Reserved + (i * 5 + seed) % 8).Append(Seq2SeqTokens.Eos).ToArray();
        return sources;
    }

    public static TheoryData<string, string, bool, bool, int> Networks() => new()
    {
        { "Gru", "Dot", false, false, 1 },
        { "Gru", "General", true, false, 2 },
        { "Gru", "Additive", true, true, 1 },
        { "Lstm", "General", false, true, 1 },
        { "Lstm", "Additive", true, false, 2 },
        { "Rnn", "Dot", false, true, 1 },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void BeamSearchGraphDecodesLikeTheEngine(string cell, string attention, bool bidirectional, bool feeding, int layers)
    {
        var model = Model(cell, attention, bidirectional, feeding, layers, seed: 21);
        var sources = Sources(7, 22);
        foreach (var settings in new[]
                 {
                     new BeamSearchSettings(BeamSize: 1, MaxLength: 10),
                     new BeamSearchSettings(BeamSize: 4, NBest: 3, MaxLength: 10),
                     new BeamSearchSettings(BeamSize: 3, NBest: 2, MaxLength: 12, MinLength: 3, LengthPenalty: LengthPenaltyKind.Gnmt, Alpha: 0.8f),
                     new BeamSearchSettings(BeamSize: 2, MaxLength: 30, MaxLengthRatio: 1.5f, LengthPenalty: LengthPenaltyKind.None),
                     new BeamSearchSettings(BeamSize: 3, NBest: 2, MaxLength: 16, MinLength: 8, NoRepeatNgramSize: 2),
                     new BeamSearchSettings(BeamSize: 2, MaxLength: 16, MinLength: 10, NoRepeatNgramSize: 3),
                 })
            AssertSameDecoding(model, sources, settings);
    }

    [Fact]
    public void SingleSourcesAndTheBatchAgree()
    {
        var model = Model("Gru", "Additive", true, false, 1, seed: 31);
        var settings = new BeamSearchSettings(BeamSize: 4, NBest: 2, MaxLength: 10);
        foreach (var source in Sources(4, 32)) AssertSameDecoding(model, [source], settings);
    }

    [Fact]
    public void WideBeamDiffersFromGreedyInTheGraph()
    {
        // The first-step trap (DESIGN §8): with every beam alive at step 0, K beams would equal greedy everywhere.
        var model = Model("Gru", "General", true, false, 1, seed: 41);
        var sources = Sources(30, 42);
        var greedy = Run(model, sources, new BeamSearchSettings(BeamSize: 1, MaxLength: 10, LengthPenalty: LengthPenaltyKind.None)).Tokens;
        var beam = Run(model, sources, new BeamSearchSettings(BeamSize: 4, MaxLength: 10, LengthPenalty: LengthPenaltyKind.None)).Tokens;
        Assert.Contains(Enumerable.Range(0, sources.Count), i => !greedy[i][0].SequenceEqual(beam[i][0]));
    }

    [Theory]
    [InlineData("Gru", "Additive", true, true)]
    [InlineData("Lstm", "General", false, true)]
    [InlineData("Gru", "Dot", false, false)]
    public void StepGraphMatchesTheEngineStep(string cell, string attention, bool bidirectional, bool feeding)
    {
        var model = Model(cell, attention, bidirectional, feeding, 1, seed: 51);
        var sources = Sources(3, 52);
        int n = sources.Count, s = sources.Max(x => x.Length), h = model.Spec.DecoderSize;
        var ids = Enumerable.Repeat(Seq2SeqTokens.Pad, n * s).ToArray();
        for (int i = 0; i < n; i++) sources[i].CopyTo(ids, i * s);
        var tape = new Tape { IsRecording = false };
        var encoded = model.Encode(tape, ids, n, s, sources.Select(x => x.Length).ToArray());
        // Step 1 from the state after a first step, so input feeding and the recurrent state are non-trivial.
        var first = model.Step(tape, encoded, encoded.Initial, [Seq2SeqTokens.Bos, Seq2SeqTokens.Bos, Seq2SeqTokens.Bos]);
        int[] tokens = [5, 6, 7];
        var second = model.Step(tape, encoded, first.State, tokens);

        var mask = new float[n * s];
        for (int i = 0; i < n; i++) for (int j = sources[i].Length; j < s; j++) mask[i * s + j] = Ops.AttentionMaskValue;
        var inputs = new List<OnnxTestInput>
        {
            OnnxTestInput.Int64("tokens", tokens.Select(t => (long)t).ToArray(), n),
            OnnxTestInput.Float("hidden", first.State.Hidden.Span.ToArray(), 1, n, h),
            OnnxTestInput.Float("encoder_outputs", encoded.Attention.Values.Span.ToArray(), n, s, model.Spec.EncoderOutputSize),
            OnnxTestInput.Float("mask", mask, n, s),
        };
        if (first.State.Cell is { } c) inputs.Add(OnnxTestInput.Float("cell", c.Span.ToArray(), 1, n, h));
        if (feeding) inputs.Add(OnnxTestInput.Float("attentional", first.State.AttentionalVector!.Span.ToArray(), n, h));
        if (model.Attention.KeyProjection is not null)
            inputs.Add(OnnxTestInput.Float("keys", encoded.Attention.Keys.Span.ToArray(), encoded.Attention.Keys.Shape.Select(d => (long)d).ToArray()));
        var outputs = OnnxTestRunner.RunTensors(Seq2SeqOnnx.DecoderStepModel(model), [.. inputs]);

        var logp = new float[n * TargetVocabulary];
        for (int i = 0; i < n; i++) Ops.LogSoftmaxRow(second.Logits.Span.Slice(i * TargetVocabulary, TargetVocabulary), logp.AsSpan(i * TargetVocabulary, TargetVocabulary));
        OnnxTestRunner.AssertClose(logp, outputs["log_probs"].Floats, 1e-4, 1e-4);
        OnnxTestRunner.AssertClose(second.State.Hidden.Span.ToArray(), outputs["hidden_out"].Floats);
        OnnxTestRunner.AssertClose(second.Weights.Span.ToArray(), outputs["attention"].Floats);
        tape.Reset();
    }

    private static void AssertSameDecoding(Seq2Seq model, List<int[]> sources, BeamSearchSettings settings)
    {
        var engine = Seq2SeqDecoder.BeamSearch(model, sources, settings);
        var (tokens, scores, attention, steps) = Run(model, sources, settings);
        int s = sources.Max(x => x.Length);
        for (int i = 0; i < sources.Count; i++)
            for (int j = 0; j < settings.NBest; j++)
            {
                string where = $"{settings} source {i} hypothesis {j}";
                Assert.True(engine[i][j].Tokens.SequenceEqual(tokens[i][j]),
                    $"{where}: engine [{string.Join(",", engine[i][j].Tokens)}] vs ONNX [{string.Join(",", tokens[i][j])}]");
                Assert.True(Math.Abs(engine[i][j].Score - scores[i * settings.NBest + j]) <= 1e-4 + 1e-4 * Math.Abs(engine[i][j].Score),
                    $"{where}: score {engine[i][j].Score} vs {scores[i * settings.NBest + j]}");
            }
        // The best hypothesis' attention rows (the ONNX output has one row per step run; the engine's stop after EOS).
        for (int i = 0; i < sources.Count; i++)
        {
            var expected = engine[i][0].Attention;
            var actual = attention.AsSpan(i * steps * s, expected.Length).ToArray();
            OnnxTestRunner.AssertClose(expected, actual, 1e-4, 1e-3);
        }
    }

    /// <summary>Runs the beam-search file on a padded batch; tokens per source and hypothesis are cut at the first EOS.</summary>
    private static (int[][][] Tokens, float[] Scores, float[] Attention, int Steps) Run(Seq2Seq model, List<int[]> sources, BeamSearchSettings settings)
    {
        // The graph's input has no EOS: it writes EOS after each row's tokens itself.
        int n = sources.Count, s = sources.Max(x => x.Length), s0 = s - 1;
        var ids = Enumerable.Repeat((long)Seq2SeqTokens.Pad, n * s0).ToArray();
        for (int i = 0; i < n; i++) for (int j = 0; j < sources[i].Length - 1; j++) ids[i * s0 + j] = sources[i][j];
        var outputs = OnnxTestRunner.RunTensors(Seq2SeqOnnx.BeamSearchModel(model, settings), OnnxTestInput.Int64("source", ids, n, s0));
        var tokens = outputs["tokens"];
        Assert.Equal(n, tokens.Dims[0]);
        Assert.Equal(settings.NBest, tokens.Dims[1]);
        int t = (int)tokens.Dims[2];
        Assert.Equal([n, t, s], outputs["attention"].Dims);
        var all = tokens.Int64s;
        var result = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, settings.NBest)
            .Select(j => all.Skip((i * settings.NBest + j) * t).Take(t).Select(x => (int)x).TakeWhile(x => x != Seq2SeqTokens.Eos).ToArray())
            .ToArray()).ToArray();
        return (result, outputs["scores"].Floats, outputs["attention"].Floats, t);
    }
}
