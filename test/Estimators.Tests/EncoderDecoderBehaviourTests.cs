using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// The ML.NET contract of <see cref="EncoderDecoder"/> on quick fits (a few hundred pairs, two epochs): schema, Save/Load
/// in a fresh context, PredictionEngine, determinism, and every kind of bad input named before any training.
/// </summary>
public class EncoderDecoderBehaviourTests
{
    private static EncoderDecoder.Options Quick(bool spell = false) => new()
    {
        TargetTokenUnit = spell ? TokenUnit.Words : TokenUnit.Characters, EmbeddingSize = 8, HiddenSize = 8,
        Decoding = new DecodingOptions { BeamSize = 2, MaximumLength = 10 }, NumberOfEpochs = 2, BatchSize = 16, Seed = 3,
    };

    private static IDataView Data(MLContext ml, IEnumerable<TextPair> pairs) => ml.Data.LoadFromEnumerable(pairs);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void SchemaSaveLoadAndPredictionEngineBehaveLikeMlNetsOwn(bool spell, bool everyColumn)
    {
        var ml = new MLContext(seed: 1);
        var training = Data(ml, Seq2SeqData.Pairs(300, 1, spell));
        var rows = Seq2SeqData.HardSources.Concat(["bad", "fed"]).Select(s => new TextPair { Source = s }).ToList();
        var options = Quick(spell);
        if (everyColumn)
        {
            options.Decoding = options.Decoding with { NBest = 2 };
            (options.NBestColumnName, options.NBestScoresColumnName, options.AttentionColumnName) = ("Alternatives", "AlternativeScores", "Attention");
        }
        var model = everyColumn
            ? EstimatorWorkout.Run<TextPair, EveryColumn>(ml, ml.DeepLearning().SequenceToSequence.EncoderDecoder(options), training, rows, ["Source", "Label"])
            : EstimatorWorkout.Run<TextPair, TextPrediction>(ml, ml.DeepLearning().SequenceToSequence.EncoderDecoder(options), training, rows, ["Source", "Label"]);
        var output = model.GetOutputSchema(training.Schema);
        Assert.Equal(TextDataViewType.Instance, output["PredictedText"].Type);
        Assert.Equal(NumberDataViewType.Single, output["Score"].Type);
        if (everyColumn)
        {
            Assert.Equal(new VectorDataViewType(TextDataViewType.Instance), output["Alternatives"].Type);
            Assert.Equal(NumberDataViewType.Single, ((VectorDataViewType)output["AlternativeScores"].Type).ItemType);
            Assert.Equal(NumberDataViewType.Single, ((VectorDataViewType)output["Attention"].Type).ItemType);
        }
    }

    public sealed class EveryColumn
    {
        public string PredictedText { get; set; } = "";

        public float Score { get; set; }

        public string[] Alternatives { get; set; } = [];

        public float[] AlternativeScores { get; set; } = [];

        public float[] Attention { get; set; } = [];
    }

    [Fact]
    public void TheSameSeedGivesTheSameModel()
    {
        byte[] Train()
        {
            var ml = new MLContext(seed: 1);
            var trainer = ml.DeepLearning().SequenceToSequence.EncoderDecoder(Quick());
            trainer.Fit(Data(ml, Seq2SeqData.Pairs(200, 1, spell: false)));
            return trainer.LastTrainingReport!.OnnxModel;
        }
        Assert.Equal(Train(), Train());
    }

    [Fact]
    public void EarlyStoppingOnTokenAccuracyKeepsTheBestEpoch()
    {
        var ml = new MLContext(seed: 1);
        var options = Quick();
        options.NumberOfEpochs = 6;
        options.EarlyStoppingPatience = 1;
        options.EarlyStoppingMetric = EarlyStoppingMetric.TokenAccuracy;
        options.ValidationSet = Data(ml, Seq2SeqData.Pairs(100, 2, spell: false));
        var reports = new List<EpochReport>();
        options.Progress = new SynchronousProgress<EpochReport>(reports.Add);
        var trainer = ml.DeepLearning().SequenceToSequence.EncoderDecoder(options);
        trainer.Fit(Data(ml, Seq2SeqData.Pairs(300, 1, spell: false)));
        var report = trainer.LastTrainingReport!;
        Assert.Equal(reports.Count, report.History.Count);
        double best = reports.Max(r => r.ValidationMetric!.Value);
        Assert.Equal(best, reports[report.BestEpoch - 1].ValidationMetric);
        Assert.True(reports.Count == 6 || reports[^1].ValidationMetric <= best, "stopped without a reason");
    }

    [Fact]
    public void OptionsAreCheckedWhenTheTrainerIsCreated()
    {
        var catalog = new MLContext().DeepLearning().SequenceToSequence;
        void Rejects(string option, Action<EncoderDecoder.Options> change)
        {
            var options = Quick();
            change(options);
            var error = Assert.ThrowsAny<ArgumentException>(() => catalog.EncoderDecoder(options));
            Assert.Contains(option, error.Message);
        }
        Rejects("BeamSize", o => o.Decoding = new DecodingOptions { BeamSize = 0 });
        Rejects("NBest", o => o.Decoding = new DecodingOptions { BeamSize = 2, NBest = 3 });
        Rejects("MaximumLength", o => o.Decoding = new DecodingOptions { MaximumLength = 0 });
        Rejects("MinimumLength", o => o.Decoding = new DecodingOptions { MaximumLength = 5, MinimumLength = 5 });
        Rejects("NoRepeatNgramSize", o => o.Decoding = new DecodingOptions { NoRepeatNgramSize = 1 });
        Rejects("Decoding", o => o.Decoding = null!);
        Rejects("HiddenSize", o => o.HiddenSize = 0);
        Rejects("ScheduledSamplingRatio", o => o.ScheduledSamplingRatio = 1.5f);
        Rejects("LabelSmoothing", o => o.LabelSmoothing = 1f);
        Rejects("SourceColumnName", o => o.SourceColumnName = "Label");
        Rejects("NBestColumnName", o => o.NBestColumnName = " ");
        Rejects("Attention", o => o.Attention = (AttentionKind)9);

        // A sub-option's error names the path once, without the inner exception's own parameter suffix.
        var nested = Assert.Throws<ArgumentOutOfRangeException>(() => catalog.EncoderDecoder(new EncoderDecoder.Options { Decoding = new DecodingOptions { BeamSize = 2, NBest = 3 } }));
        Assert.Equal("Decoding", nested.ParamName);
        Assert.StartsWith("Decoding.NBest: NBest must lie in [1, BeamSize = 2].", nested.Message);
        Assert.DoesNotContain("(Parameter 'NBest')", nested.Message);
        Assert.Equal(3, nested.ActualValue);
    }

    [Fact]
    public void BadTrainingDataIsNamedBeforeAnyTraining()
    {
        var ml = new MLContext(seed: 1);
        var trained = new List<EpochReport>();
        EncoderDecoder Trainer(Action<EncoderDecoder.Options>? change = null)
        {
            var options = Quick();
            options.Progress = new SynchronousProgress<EpochReport>(trained.Add);
            change?.Invoke(options);
            return ml.DeepLearning().SequenceToSequence.EncoderDecoder(options);
        }

        var empty = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer().Fit(Data(ml, [])));
        Assert.Contains("no rows", empty.Message);
        var noTargets = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer().Fit(Data(ml, [new TextPair { Source = "ab" }, new TextPair { Source = "c" }])));
        Assert.Contains("Every target in column 'Label'", noTargets.Message);
        var numbers = ml.Data.LoadFromEnumerable(new[] { new { Source = 1f, Label = "a" } });
        Assert.Contains("'Source'", Assert.ThrowsAny<ArgumentException>(() => Trainer().Fit(numbers)).Message);
        var tooWide = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Trainer(o => o.Decoding = new DecodingOptions { BeamSize = 7 }).Fit(Data(ml, [new TextPair { Source = "ab", Label = "xy" }])));
        Assert.Contains("6", tooWide.Message); // two target characters and four reserved ids
        var validation = Assert.ThrowsAny<ArgumentException>(() =>
            Trainer(o => o.ValidationSet = ml.Data.LoadFromEnumerable(new[] { new { Source = "a" } })).Fit(Data(ml, Seq2SeqData.Pairs(20, 1, false))));
        Assert.Contains("'Label'", validation.Message);
        Assert.Empty(trained);
    }

    [Fact]
    public void RowsWithAnEmptyTargetAreSkippedWithAWarning()
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        var pairs = Seq2SeqData.Pairs(100, 1, spell: false);
        pairs[3].Label = "";
        pairs[7].Label = "";
        var trainer = ml.DeepLearning().SequenceToSequence.EncoderDecoder(Quick());
        trainer.Fit(Data(ml, pairs));
        Assert.Contains(log, m => m.Contains("2 training rows with an empty 'Label'") && m.Contains("row 3"));
    }

    [Fact]
    public void CancellationStopsFitAndTheLastModelStays()
    {
        var ml = new MLContext(seed: 1);
        using var cancel = new CancellationTokenSource();
        var options = Quick();
        options.NumberOfEpochs = 50;
        options.CancellationToken = cancel.Token;
        options.Progress = new SynchronousProgress<EpochReport>(_ => cancel.Cancel()); // cancelled after the first epoch
        var trainer = ml.DeepLearning().SequenceToSequence.EncoderDecoder(options);
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(Data(ml, Seq2SeqData.Pairs(200, 1, spell: false))));
        Assert.Null(trainer.LastTrainingReport);
    }

    [Fact]
    public void SpacesAreCharactersInTheOutputAndInTheFileMetadata()
    {
        // ML.NET's character tokenizer names a space "<␠>"; the model must still write spaces, and the file list them as " ".
        var ml = new MLContext(seed: 1);
        var pairs = Seq2SeqData.Pairs(1500, 1, spell: false).Select(p => new TextPair { Source = p.Source, Label = string.Join(" ", p.Source.ToCharArray()) });
        var options = Quick();
        options.EmbeddingSize = 16;
        options.HiddenSize = 32;
        options.NumberOfEpochs = 8;
        options.BatchSize = 32;
        options.LearningRate = 0.01f;
        var trainer = ml.DeepLearning().SequenceToSequence.EncoderDecoder(options);
        var model = trainer.Fit(Data(ml, pairs));
        var engine = ml.Model.CreatePredictionEngine<TextPair, TextPrediction>(model);
        Assert.Equal("b a d", engine.Predict(new TextPair { Source = "bad" }).PredictedText);
        Assert.Equal("f e e d", engine.Predict(new TextPair { Source = "feed" }).PredictedText);

        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(trainer.LastTrainingReport!.OnnxModel);
        using var json = System.Text.Json.JsonDocument.Parse(session.ModelMetadata.CustomMetadataMap["mlnetdeep.seq2seq"]);
        var target = json.RootElement.GetProperty("target_vocabulary").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(" ", target);
        Assert.DoesNotContain("<\u2420>", target);
    }
}
