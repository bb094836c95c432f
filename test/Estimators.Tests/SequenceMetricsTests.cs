using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// The sequence-to-sequence metrics against values worked out by hand from their definitions (Levenshtein distance;
/// BLEU-4 of Papineni et al. 2002 with clipped counts and the brevity penalty).
/// </summary>
public class SequenceMetricsTests
{
    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [InlineData("a b c", "a b c", 0)]
    [InlineData("a b c", "a c", 1)]
    [InlineData("k i t t e n", "s i t t i n g", 3)]
    [InlineData("", "a b", 2)]
    public void EditDistanceCountsInsertionsDeletionsAndSubstitutions(string a, string b, int expected) =>
        Assert.Equal(expected, SequenceScores.EditDistance(Words(a), Words(b)));

    [Fact]
    public void BleuIsTheGeometricMeanOfClippedPrecisionsTimesTheBrevityPenalty()
    {
        // "a b c d e" against "a b c d f": precisions 4/5, 3/4, 2/3, 1/2 → (0.2)^(1/4); same length, no penalty.
        var one = new SequenceScores();
        one.Add(Words("a b c d e"), [Words("a b c d f")]);
        Assert.Equal(Math.Pow(0.2, 0.25), one.Result().Bleu4, 12);

        // "a b c d" against "a b c d e f": every precision 1, brevity penalty exp(1 − 6/4).
        var brief = new SequenceScores();
        brief.Add(Words("a b c d"), [Words("a b c d e f")]);
        Assert.Equal(Math.Exp(-0.5), brief.Result().Bleu4, 12);

        // Clipping: "the the the the" gets one unigram match from "the cat" and no bigram: BLEU 0 without smoothing.
        var clipped = new SequenceScores();
        clipped.Add(Words("the the the the"), [Words("the cat the dog")]);
        Assert.Equal(0, clipped.Result().Bleu4);
    }

    [Fact]
    public void SeveralReferencesCountTheClosest()
    {
        var scores = new SequenceScores();
        scores.Add(Words("t ah m ey t ow"), [Words("t ah m aa t ow"), Words("t ah m ey t ow")]); // matches the second
        scores.Add(Words("k ae t"), [Words("k ae t s"), Words("d ao g")]);                       // 1 edit from the first (4 tokens)
        var result = scores.Result();
        Assert.Equal(0.5, result.SequenceErrorRate);
        Assert.Equal(1.0 / (6 + 4), result.TokenErrorRate, 12);
    }

    [Fact]
    public void EvaluateReadsStringOrVectorReferencesAndNamesBadColumns()
    {
        var ml = new MLContext();
        var single = ml.Data.LoadFromEnumerable(new[]
        {
            new { Label = "abc", PredictedText = "abc" },
            new { Label = "abcd", PredictedText = "abd" },
        });
        var characters = ml.DeepLearning().SequenceToSequence.Evaluate(single);
        Assert.Equal(0.5, characters.SequenceErrorRate);
        Assert.Equal(1.0 / 7, characters.TokenErrorRate, 12);

        var several = ml.Data.LoadFromEnumerable(new[] { new MultiRow { Label = ["x y", "a b"], PredictedText = "a  b" } });
        var words = ml.DeepLearning().SequenceToSequence.Evaluate(several, tokenUnit: TokenUnit.Words);
        Assert.Equal(0, words.SequenceErrorRate);

        Assert.Contains("'Missing'", Assert.ThrowsAny<ArgumentException>(() => ml.DeepLearning().SequenceToSequence.Evaluate(single, labelColumnName: "Missing")).Message);
        var numbers = ml.Data.LoadFromEnumerable(new[] { new { Label = 1f, PredictedText = "a" } });
        Assert.Contains("String or Vector<String>", Assert.ThrowsAny<ArgumentException>(() => ml.DeepLearning().SequenceToSequence.Evaluate(numbers)).Message);
        var none = ml.Data.LoadFromEnumerable(Array.Empty<MultiRow>());
        Assert.Throws<InvalidOperationException>(() => ml.DeepLearning().SequenceToSequence.Evaluate(none));
    }

    private sealed class MultiRow
    {
        [VectorType]
        public string[] Label { get; set; } = [];

        public string PredictedText { get; set; } = "";
    }
}
