using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetDeep.Estimators.Tests.Support;
using MlNetDeep.Tests.Shared;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// One spelling model ("bad" → "B A D": character source, word target) trained once for the tests of this class, with
/// every output column, a validation set and beam search.
/// </summary>
public sealed class SpellingModel
{
    public SpellingModel()
    {
        Ml = new MLContext(seed: 1);
        Options = new EncoderDecoder.Options
        {
            SourceTokenUnit = TokenUnit.Characters, TargetTokenUnit = TokenUnit.Words, EmbeddingSize = 16, HiddenSize = 32,
            Decoding = new DecodingOptions { BeamSize = 3, NBest = 2, MaximumLength = 12 },
            NBestColumnName = "Alternatives", NBestScoresColumnName = "AlternativeScores", AttentionColumnName = "Attention",
            NumberOfEpochs = 8, BatchSize = 32, LearningRate = 0.01f, Seed = 5,
            ValidationSet = Ml.Data.LoadFromEnumerable(Seq2SeqData.Pairs(200, 3, spell: true)),
        };
        Trainer = Ml.DeepLearning().SequenceToSequence.EncoderDecoder(Options);
        Model = Trainer.Fit(Ml.Data.LoadFromEnumerable(Seq2SeqData.Pairs(1500, 1, spell: true)));
    }

    public MLContext Ml { get; }

    public EncoderDecoder.Options Options { get; }

    public EncoderDecoder Trainer { get; }

    public ITransformer Model { get; }

    public sealed class Prediction
    {
        public string Source { get; set; } = "";

        public string PredictedText { get; set; } = "";

        public float Score { get; set; }

        public string[] Alternatives { get; set; } = [];

        public float[] AlternativeScores { get; set; } = [];

        public float[] Attention { get; set; } = [];
    }

    public Prediction[] Predict(IEnumerable<string> sources) => Ml.Data.CreateEnumerable<Prediction>(
        Model.Transform(Ml.Data.LoadFromEnumerable(sources.Select(s => new TextPair { Source = s }))), reuseRowObject: false).ToArray();
}

public class EncoderDecoderTests(SpellingModel spelling) : IClassFixture<SpellingModel>
{
    [Fact]
    public void LearnsTheTaskWithBeamSearchAndGreedyDecoding()
    {
        var ml = spelling.Ml;
        var test = ml.Data.LoadFromEnumerable(Seq2SeqData.Pairs(300, 2, spell: true));
        var catalog = ml.DeepLearning().SequenceToSequence;
        var beam = catalog.Evaluate(spelling.Model.Transform(test), tokenUnit: TokenUnit.Words);
        var greedy = catalog.Evaluate(spelling.Trainer.WithDecoding(new DecodingOptions { BeamSize = 1 }).Transform(test), tokenUnit: TokenUnit.Words);
        Assert.Equal(300, beam.Rows);
        Assert.True(beam.SequenceErrorRate < 0.05 && beam.Bleu4 > 0.9, $"beam: {beam}");
        Assert.True(greedy.SequenceErrorRate < 0.05, $"greedy: {greedy}");
        Assert.True(beam.TokenErrorRate <= beam.SequenceErrorRate * 3 + 1e-9, beam.ToString()); // a wrong word is mostly one wrong phoneme

        var history = spelling.Trainer.LastTrainingReport!.History;
        Assert.All(history, r => Assert.NotNull(r.ValidationLoss));
        Assert.Equal("token accuracy", history[0].ValidationMetricName);
        Assert.True(history[^1].ValidationMetric > 0.9, history[^1].ToString());
    }

    [Fact]
    public void NBestScoresAndAttentionColumnsAreConsistent()
    {
        var predictions = spelling.Predict(["bad", "cafe", .. Seq2SeqData.HardSources]);
        Assert.Equal("B A D", predictions[0].PredictedText);
        Assert.Equal("C A F E", predictions[1].PredictedText);
        foreach (var p in predictions)
        {
            Assert.Equal(2, p.Alternatives.Length);
            Assert.Equal(p.PredictedText, p.Alternatives[0]);
            Assert.Equal(p.Score, p.AlternativeScores[0]);
            Assert.True(p.AlternativeScores[0] >= p.AlternativeScores[1], $"'{p.Source}': scores not best first");
            Assert.True(p.Score <= 0 && float.IsFinite(p.Score), $"'{p.Source}': score {p.Score}");
            // Attention: T rows (generated tokens, EOS included) over the S source tokens and the appended EOS, each a distribution.
            int columns = p.Source.Length + 1;
            Assert.Equal(0, p.Attention.Length % columns);
            Assert.True(p.Attention.Length / columns >= p.PredictedText.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length + 1);
            for (int t = 0; t < p.Attention.Length / columns; t++)
                Assert.Equal(1f, p.Attention.Skip(t * columns).Take(columns).Sum(), 4);
        }
    }

    [Fact]
    public void TheOnnxFileAloneGivesMlNetsPredictions()
    {
        // What a runtime without ML.NET does with the file in the report: its metadata is all it needs (docs/seq2seq-onnx-format.md).
        byte[] file = spelling.Trainer.LastTrainingReport!.OnnxModel;
        using var session = new InferenceSession(file);
        using var json = JsonDocument.Parse(session.ModelMetadata.CustomMetadataMap["mlnetdeep.seq2seq"]);
        var root = json.RootElement;
        Assert.Equal("characters", root.GetProperty("source_token_unit").GetString());
        Assert.Equal("words", root.GetProperty("target_token_unit").GetString());
        Assert.Equal(3, root.GetProperty("decoding").GetProperty("beam_size").GetInt32());
        var source = root.GetProperty("source_vocabulary").EnumerateArray().Select(e => e.GetString()!).ToList();
        var target = root.GetProperty("target_vocabulary").EnumerateArray().Select(e => e.GetString()!).ToList();
        int first = root.GetProperty("first_token_id").GetInt32(), eos = root.GetProperty("special_ids").GetProperty("eos").GetInt32();
        var graph = root.GetProperty("graph");

        string[] texts = ["bad", "fed", .. Seq2SeqData.HardSources];
        var predictions = spelling.Predict(texts);
        for (int n = 0; n < texts.Length; n++)
        {
            long[] ids = texts[n].Select(ch => (long)(source.IndexOf(ch.ToString()) is int i and >= 0 ? first + i : 0)).ToArray();
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(graph.GetProperty("source").GetString()!, new DenseTensor<long>(ids, [1, ids.Length]))]);
            var tokens = results.Single(r => r.Name == graph.GetProperty("tokens").GetString()).AsTensor<long>();
            var best = Enumerable.Range(0, tokens.Dimensions[2]).Select(t => tokens[0, 0, t]).TakeWhile(id => id != eos)
                .Select(id => id < first ? "" : target[(int)id - first]).Where(s => s.Length > 0);
            float score = results.Single(r => r.Name == graph.GetProperty("scores").GetString()).AsTensor<float>()[0, 0];
            Assert.Equal(predictions[n].PredictedText, string.Join(" ", best));
            Assert.Equal(predictions[n].Score, score);
        }
    }

    [NodeFact]
    public void TheNodeScriptPrintsMlNetsPredictions()
    {
        string[] texts = ["bad", "fed", "", "xyz", "abcdefabcdef"];
        string path = Path.Combine(Path.GetTempPath(), $"mlnetdeep-spelling-{Guid.NewGuid():N}.onnx");
        spelling.Trainer.LastTrainingReport!.SaveOnnx(path);
        try
        {
            var lines = NodeScript.DecodeJson(path, texts);
            var predictions = spelling.Predict(texts);
            for (int n = 0; n < texts.Length; n++)
            {
                using var json = JsonDocument.Parse(lines[n]);
                var hypotheses = json.RootElement.GetProperty("hypotheses").EnumerateArray().Select(e => e.GetString()!).ToArray();
                var scores = json.RootElement.GetProperty("scores").EnumerateArray().Select(e => e.GetSingle()).ToArray();
                Assert.Equal(predictions[n].Alternatives, hypotheses);
                Assert.Equal(predictions[n].AlternativeScores, scores);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WithDecodingChecksItsSettingsAndNeedsAFit()
    {
        Assert.Equal("NBest", Assert.Throws<ArgumentOutOfRangeException>(() => spelling.Trainer.WithDecoding(new DecodingOptions { BeamSize = 2, NBest = 3 })).ParamName);
        var tooWide = Assert.Throws<ArgumentOutOfRangeException>(() => spelling.Trainer.WithDecoding(new DecodingOptions { BeamSize = 1000 }));
        Assert.Contains("at most the number of target ids", tooWide.Message);
        var unfitted = spelling.Ml.DeepLearning().SequenceToSequence.EncoderDecoder();
        Assert.Contains("call Fit first", Assert.Throws<InvalidOperationException>(() => unfitted.WithDecoding(new DecodingOptions())).Message);
    }
}
