using Microsoft.ML;
using MlNetDeep.Engine;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

public class EncoderDecoderTests
{
    public sealed class Pair
    {
        public string Source { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public sealed class Translation
    {
        public string PredictedText { get; set; } = "";
        public float Score { get; set; }
    }

    private const string Letters = "abcdef";

    /// <summary>Words of 1–6 letters a–f; the target spells them as upper-case words ("bad" → "B A D") or reverses them ("bad" → "dab").</summary>
    internal static List<Pair> Pairs(int n, int seed, bool spell)
    {
        var rng = new Rng(seed);
        var rows = new List<Pair>();
        for (int i = 0; i < n; i++)
        {
            string word = new(Enumerable.Range(0, 1 + rng.NextInt(6)).Select(_ => Letters[rng.NextInt(Letters.Length)]).ToArray());
            rows.Add(new Pair { Source = word, Label = spell ? string.Join(" ", word.Select(char.ToUpperInvariant)) : new string(word.Reverse().ToArray()) });
        }
        return rows;
    }

    internal static EncoderDecoder.Options Options(bool spell) => new()
    {
        SourceTokenUnit = TokenUnit.Characters, TargetTokenUnit = spell ? TokenUnit.Words : TokenUnit.Characters,
        EmbeddingSize = 16, HiddenSize = 32, BeamSize = 3, MaximumOutputLength = 12,
        NumberOfEpochs = 8, BatchSize = 32, LearningRate = 0.01f, Seed = 5,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LearnsASmallTransductionAndScoresThroughMlNet(bool spell)
    {
        var ml = new MLContext(seed: 1);
        var training = ml.Data.LoadFromEnumerable(Pairs(1500, 1, spell));
        var test = ml.Data.LoadFromEnumerable(Pairs(200, 2, spell));
        var trainer = ml.DeepLearning().SequenceToSequence.EncoderDecoder(Options(spell));
        var model = trainer.Fit(training);
        var metrics = ml.DeepLearning().SequenceToSequence.Evaluate(model.Transform(test), tokenUnit: spell ? TokenUnit.Words : TokenUnit.Characters);
        Assert.True(metrics.SequenceErrorRate < 0.1, metrics.ToString());
        Assert.True(trainer.LastTrainingReport!.History.Count == 8);
    }
}
