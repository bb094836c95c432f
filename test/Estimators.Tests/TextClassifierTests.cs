using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Estimators.Tests.Support;
using MlNetDeep.Transforms;

namespace MlNetDeep.Estimators.Tests;

public class TextClassifierTests
{
    public sealed class Review
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public sealed class ReviewPrediction
    {
        public string PredictedSentiment { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    private static readonly string[] Good = ["great", "excellent", "love", "wonderful", "superb"];
    private static readonly string[] Bad = ["awful", "terrible", "hate", "boring", "broken"];
    private static readonly string[] Filler = ["the", "movie", "phone", "was", "really", "this", "plot", "battery", "and", "it"];

    /// <summary>Sentences of filler words with one or two sentiment words; punctuation and case vary.</summary>
    public static List<Review> Reviews(int n, int seed)
    {
        var rng = new Rng(seed);
        var rows = new List<Review>();
        for (int i = 0; i < n; i++)
        {
            bool positive = rng.NextInt(2) == 0;
            var words = Enumerable.Range(0, 3 + rng.NextInt(8)).Select(_ => Filler[rng.NextInt(Filler.Length)]).ToList();
            var cue = positive ? Good : Bad;
            for (int c = 0; c < 1 + rng.NextInt(2); c++) words.Insert(rng.NextInt(words.Count + 1), cue[rng.NextInt(cue.Length)]);
            string text = string.Join(" ", words);
            if (rng.NextInt(2) == 0) text = char.ToUpperInvariant(text[0]) + text[1..] + "!";
            rows.Add(new Review { Text = text, Label = positive ? "positive" : "negative" });
        }
        return rows;
    }

    private static TextClassifier.Options Options(TextNetwork network, TokenUnit unit) => new()
    {
        Network = network, TokenUnit = unit, MaximumLength = unit == TokenUnit.Words ? 16 : 80, EmbeddingSize = 16,
        Cnn = new TextCnnArchitecture { FiltersPerKernel = 16 }, Recurrent = new RecurrentArchitecture { HiddenSize = 16, Bidirectional = true, DropoutRate = 0.5f },
        NumberOfEpochs = 6, BatchSize = 16, LearningRate = 0.01f, Seed = 2,
    };

    private static IEstimator<ITransformer> Pipeline(MLContext ml, TextClassifier.Options options) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.DeepLearning().MulticlassClassification.Text(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSentiment", "PredictedLabel"));

    [Theory]
    [InlineData(TextNetwork.Cnn, TokenUnit.Words)]
    [InlineData(TextNetwork.Cnn, TokenUnit.Characters)]
    [InlineData(TextNetwork.Recurrent, TokenUnit.Words)]
    public void LearnsSentimentAndRoundTrips(TextNetwork network, TokenUnit unit)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Reviews(400, 1));
        var test = Reviews(100, 2);
        var model = EstimatorWorkout.Run<Review, ReviewPrediction>(ml, Pipeline(ml, Options(network, unit)), train,
            [.. test.Take(20), new Review { Text = "" }, new Review { Text = "zzz unseen words only" }], ["Text", "Label"]);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(test));
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy}");
        Assert.Null(scored.Schema.GetColumnOrNull(TextVocabulary.TokenColumn)); // temporary columns are dropped

        // Empty and unknown-only texts get a defined prediction.
        var predictions = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
        foreach (var review in new[] { new Review { Text = "" }, new Review { Text = "zzz unseen words only" } })
            Assert.Contains(predictions.Predict(review).PredictedSentiment, new[] { "positive", "negative" });
    }

    [Fact]
    public void BadTextInputIsExplained()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(TextNetwork.Cnn, TokenUnit.Words);
        options.TextColumnName = "Review";
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Pipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(Reviews(10, 1))));
        Assert.Contains("Could not find input column 'Review'", ex.Message);

        var numbers = ml.Data.LoadFromEnumerable(new[] { new { Text = 1f, Label = "a" } }.Select(r => new NumericText { Text = r.Text, Label = r.Label }));
        var mismatch = Assert.Throws<ArgumentOutOfRangeException>(() => Pipeline(ml, Options(TextNetwork.Cnn, TokenUnit.Words)).Fit(numbers));
        Assert.Contains("'Text': expected String, got Single", mismatch.Message);

        // Texts that are all empty (or, for words, punctuation only) used to train without a word.
        var blank = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 6).Select(i => new Review { Text = i % 3 == 0 ? "" : "?! ...", Label = i % 2 == 0 ? "a" : "b" }).ToList());
        var noWords = Assert.Throws<ArgumentOutOfRangeException>(() => Pipeline(ml, Options(TextNetwork.Cnn, TokenUnit.Words)).Fit(blank));
        Assert.Contains("Column 'Text' has no words in any row of the training data: every text is empty or punctuation only", noWords.Message);
        var empty = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 6).Select(i => new Review { Text = "", Label = i % 2 == 0 ? "a" : "b" }).ToList());
        var noCharacters = Assert.Throws<ArgumentOutOfRangeException>(() => Pipeline(ml, Options(TextNetwork.Cnn, TokenUnit.Characters)).Fit(empty));
        Assert.Contains("Column 'Text' has no characters in any row of the training data: every text is empty,", noCharacters.Message);
        // With one word somewhere, training goes ahead.
        var oneWord = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 6).Select(i => new Review { Text = i == 3 ? "fine" : "", Label = i % 2 == 0 ? "a" : "b" }).ToList());
        var quick = Options(TextNetwork.Cnn, TokenUnit.Words);
        quick.NumberOfEpochs = 1;
        Pipeline(ml, quick).Fit(oneWord);

        var tooShort = Options(TextNetwork.Cnn, TokenUnit.Words);
        tooShort.MaximumLength = 4;
        Assert.Equal("MaximumLength", Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Text(tooShort)).ParamName);
    }

    [Fact]
    public void LongTextsAreTruncatedToMaximumLength()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(TextNetwork.Cnn, TokenUnit.Words);
        options.NumberOfEpochs = 2;
        var model = Pipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(Reviews(100, 1)));
        var engine = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
        string head = "great movie and plot the phone was really this it battery and the movie was really";
        // Only the first 16 words are read: anything after them cannot change the prediction.
        var a = engine.Predict(new Review { Text = head });
        var b = engine.Predict(new Review { Text = head + " terrible awful hate boring broken" });
        Assert.Equal(a.Score, b.Score);
    }

    private sealed class NumericText
    {
        public float Text { get; set; }
        public string Label { get; set; } = "";
    }
}
