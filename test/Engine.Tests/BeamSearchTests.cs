using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// Decoding rules of <see cref="Seq2SeqDecoder"/> on untrained networks with large random weights (peaked, varied
/// distributions): K = 1 equals greedy, the beam does real work, n-best order, batch independence, length limits,
/// repeated n-grams and the settings' errors.
/// </summary>
public class BeamSearchTests
{
    private static Seq2Seq Model(int seed, bool inputFeeding = false)
    {
        var model = new Seq2Seq(new Seq2SeqSpec(12, 9, 6, RecurrentCellKind.Gru, 8, 1, true, AttentionKind.Additive, inputFeeding, 0f), new Rng(seed));
        foreach (var p in model.Output.Parameters()) for (int i = 0; i < p.Length; i++) p.Span[i] *= 6f; // sharper distributions
        return model;
    }

    private static List<int[]> Sources(int count, int seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, rng.NextInt(6)).Select(_ => Seq2SeqTokens.Reserved + rng.NextInt(8)).Append(Seq2SeqTokens.Eos).ToArray())
            .ToList();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BeamOfOneEqualsGreedy(bool inputFeeding)
    {
        var model = Model(1, inputFeeding);
        var sources = Sources(30, 2);
        var beams = Seq2SeqDecoder.BeamSearch(model, sources, new BeamSearchSettings(BeamSize: 1, MaxLength: 12));
        for (int i = 0; i < sources.Count; i++)
            Assert.Equal(Seq2SeqDecoder.Greedy(model, sources[i], 12), beams[i][0].Tokens);
    }

    [Fact]
    public void WiderBeamDiffersFromGreedyAndFindsLikelierOutputs()
    {
        var model = Model(3);
        var sources = Sources(40, 4);
        var settings = new BeamSearchSettings(BeamSize: 4, MaxLength: 12, LengthPenalty: LengthPenaltyKind.None);
        var beam = Seq2SeqDecoder.BeamSearch(model, sources, settings);
        var greedy = Seq2SeqDecoder.BeamSearch(model, sources, settings with { BeamSize = 1 });
        int differ = Enumerable.Range(0, sources.Count).Count(i => !beam[i][0].Tokens.SequenceEqual(greedy[i][0].Tokens));
        Assert.True(differ > 0, "the beam never differed from greedy: the first step may have K identical live beams");
        // Beam search may prune greedy's prefix on a given source, but on average it finds likelier outputs.
        double beamMean = beam.Average(x => x[0].Score), greedyMean = greedy.Average(x => x[0].Score);
        Assert.True(beamMean > greedyMean, $"mean log-probability: beam {beamMean:F3}, greedy {greedyMean:F3}");
    }

    [Fact]
    public void ScoresEqualTheLogProbabilityOfTheReturnedTokens()
    {
        // Re-scores every n-best hypothesis step by step: catches a beam whose state or history was reordered wrongly.
        var model = Model(15, inputFeeding: true);
        var sources = Sources(12, 16);
        var results = Seq2SeqDecoder.BeamSearch(model, sources, new BeamSearchSettings(BeamSize: 4, NBest: 4, MaxLength: 9, LengthPenalty: LengthPenaltyKind.None));
        for (int i = 0; i < sources.Count; i++)
            foreach (var h in results[i].Where(h => float.IsFinite(h.Score)))
                Assert.Equal(LogProbability(model, sources[i], [.. h.Tokens, Seq2SeqTokens.Eos]), h.Score, 3);
    }

    private static float LogProbability(Seq2Seq model, int[] source, int[] output)
    {
        var tape = new Tape { IsRecording = false };
        var encoded = model.Encode(tape, source, 1, source.Length, [source.Length]);
        var state = encoded.Initial;
        int previous = Seq2SeqTokens.Bos;
        float total = 0;
        var logp = new float[model.Spec.TargetVocabularySize];
        foreach (int token in output)
        {
            var step = model.Step(tape, encoded, state, [previous]);
            Ops.LogSoftmaxRow(step.Logits.Span, logp);
            total += logp[token];
            state = step.State;
            previous = token;
        }
        return total;
    }

    [Fact]
    public void NBestIsSortedAndDistinct()
    {
        var results = Seq2SeqDecoder.BeamSearch(Model(5), Sources(10, 6), new BeamSearchSettings(BeamSize: 5, NBest: 3, MaxLength: 10));
        foreach (var list in results)
        {
            Assert.Equal(3, list.Length);
            Assert.True(list[0].Score >= list[1].Score && list[1].Score >= list[2].Score);
            Assert.Equal(3, list.Select(h => string.Join(",", h.Tokens)).Distinct().Count());
        }
    }

    [Fact]
    public void PaddedBatchDecodesLikeEachSourceAlone()
    {
        var model = Model(7);
        var sources = Sources(6, 8);
        var settings = new BeamSearchSettings(BeamSize: 3, NBest: 2, MaxLength: 10);
        var batched = Seq2SeqDecoder.BeamSearch(model, sources, settings);
        for (int i = 0; i < sources.Count; i++)
        {
            var alone = Seq2SeqDecoder.BeamSearch(model, [sources[i]], settings)[0];
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(alone[j].Tokens, batched[i][j].Tokens);
                Assert.Equal(alone[j].Score, batched[i][j].Score, 4);
            }
        }
    }

    [Fact]
    public void LengthLimitsAreHonoured()
    {
        var model = Model(9);
        var sources = Sources(20, 10);
        foreach (var h in Seq2SeqDecoder.BeamSearch(model, sources, new BeamSearchSettings(BeamSize: 3, MaxLength: 4)).Select(x => x[0]))
            Assert.True(h.Tokens.Length <= 3, "at most MaxLength − 1 tokens before the EOS");
        foreach (var h in Seq2SeqDecoder.BeamSearch(model, sources, new BeamSearchSettings(BeamSize: 3, MaxLength: 12, MinLength: 5)).Select(x => x[0]))
            Assert.True(h.Tokens.Length >= 5);
        var ratio = Seq2SeqDecoder.BeamSearch(model, sources, new BeamSearchSettings(BeamSize: 2, MaxLength: 50, MaxLengthRatio: 1f));
        for (int i = 0; i < sources.Count; i++)
            Assert.True(ratio[i][0].Tokens.Length < Math.Max(sources[i].Length - 1, 1), "the ratio limit counts the EOS");
    }

    [Fact]
    public void RepeatedNgramsAreBlocked()
    {
        var model = Model(11);
        var sources = Sources(20, 12);
        foreach (var h in Seq2SeqDecoder.BeamSearch(model, sources, new BeamSearchSettings(BeamSize: 3, MaxLength: 20, MinLength: 10, NoRepeatNgramSize: 2)).Select(x => x[0]))
        {
            var bigrams = h.Tokens.Zip(h.Tokens.Skip(1)).ToList();
            Assert.Equal(bigrams.Count, bigrams.Distinct().Count());
        }
    }

    [Fact]
    public void AttentionRowsCoverEveryGeneratedTokenAndSumToOne()
    {
        var sources = Sources(5, 14);
        var results = Seq2SeqDecoder.BeamSearch(Model(13), sources, new BeamSearchSettings(BeamSize: 2, MaxLength: 8));
        int s = sources.Max(x => x.Length);
        for (int i = 0; i < sources.Count; i++)
        {
            var h = results[i][0];
            int rows = h.Attention.Length / s;
            Assert.InRange(rows, h.Tokens.Length, h.Tokens.Length + 1);
            for (int r = 0; r < rows; r++)
            {
                var row = h.Attention.AsSpan(r * s, s);
                Assert.Equal(1f, row.ToArray().Sum(), 4);
                for (int j = sources[i].Length; j < s; j++) Assert.Equal(0f, row[j]);
            }
        }
    }

    [Theory]
    [InlineData(0, 1, 10, 0, 0, "BeamSize")]
    [InlineData(10, 1, 10, 0, 0, "BeamSize")]
    [InlineData(2, 3, 10, 0, 0, "NBest")]
    [InlineData(2, 1, 0, 0, 0, "MaxLength")]
    [InlineData(2, 1, 5, 5, 0, "MinLength")]
    [InlineData(2, 1, 5, 0, 1, "NoRepeatNgramSize")]
    public void BadSettingsNameTheSetting(int k, int nBest, int maxLength, int minLength, int ngram, string name)
    {
        var settings = new BeamSearchSettings(k, nBest, maxLength, null, minLength, LengthPenaltyKind.Average, 0.6f, ngram);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => settings.Check(9));
        Assert.Equal(name, error.ParamName);
    }
}
