using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// A row with a NaN or ±∞ feature scores as with ML.NET's own trainers: classifiers give NaN scores and
/// PredictedLabel = key 0 (missing), never a real class; regressors give NaN. Through Transform and PredictionEngine,
/// before and after Save → Load, for every estimator with float inputs. Finite rows in the same batch are unaffected.
/// </summary>
public class NonFiniteScoringTests
{
    private sealed class VectorRow
    {
        [VectorType(8)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    private sealed class ImageRow
    {
        [VectorType(1, 8, 8)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    private sealed class ValueRow
    {
        [VectorType(8)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class KeyPrediction
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }

    private sealed class ValuePrediction
    {
        public float Score { get; set; }
    }

    private static readonly float[] Bad = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    private static float[] Values(Rng rng, int n, int c) => Enumerable.Range(0, n).Select(i => (i % 3 == c ? 2f : 0f) + (float)rng.NextGaussian() * 0.3f).ToArray();

    private static List<T> Rows<T>(int n, Func<float[], int, T> make, int length)
    {
        var rng = new Rng(3);
        return Enumerable.Range(0, n).Select(i => make(Values(rng, length, i % 2), i % 2)).ToList();
    }

    /// <summary>The finite first row, then the same row with a NaN, +∞ and −∞ in slot <paramref name="slot"/>.</summary>
    private static List<T> ScoringRows<T>(T first, Func<T, float[]> features, Func<float[], T> make, int slot) =>
        [first, .. Bad.Select(b =>
        {
            var x = (float[])features(first).Clone();
            x[slot] = b;
            return make(x);
        })];

    private static void AssertClassifier<TRow>(MLContext ml, IEstimator<ITransformer> trainer, List<TRow> training, List<TRow> scoring)
        where TRow : class
    {
        var data = ml.Data.LoadFromEnumerable(training);
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var fresh = new MLContext();
        var loaded = fresh.Model.Load(stream, out _);
        foreach (var (context, transformer) in new[] { (ml, (ITransformer)model), (fresh, loaded) })
        {
            var transformed = context.Data.CreateEnumerable<KeyPrediction>(transformer.Transform(context.Data.LoadFromEnumerable(scoring)), reuseRowObject: false).ToList();
            var engine = context.Model.CreatePredictionEngine<TRow, KeyPrediction>(transformer);
            var predicted = scoring.Select(engine.Predict).ToList();
            foreach (var rows in new[] { transformed, predicted })
            {
                Assert.InRange(rows[0].PredictedLabel, 1u, 2u);
                Assert.All(rows[0].Score, s => Assert.True(float.IsFinite(s)));
                foreach (var row in rows.Skip(1))
                {
                    Assert.Equal(0u, row.PredictedLabel);
                    Assert.Equal(2, row.Score.Length);
                    Assert.All(row.Score, s => Assert.True(float.IsNaN(s), $"score {s}"));
                }
            }
        }
    }

    private static void AssertRegressor(MLContext ml, IEstimator<ITransformer> trainer, List<ValueRow> training, List<ValueRow> scoring)
    {
        var data = ml.Data.LoadFromEnumerable(training);
        var model = trainer.Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var fresh = new MLContext();
        var loaded = fresh.Model.Load(stream, out _);
        foreach (var (context, transformer) in new[] { (ml, model), (fresh, loaded) })
        {
            var transformed = context.Data.CreateEnumerable<ValuePrediction>(transformer.Transform(context.Data.LoadFromEnumerable(scoring)), reuseRowObject: false)
                .Select(p => p.Score).ToList();
            var engine = context.Model.CreatePredictionEngine<ValueRow, ValuePrediction>(transformer);
            var predicted = scoring.Select(r => engine.Predict(r).Score).ToList();
            foreach (var scores in new[] { transformed, predicted })
            {
                Assert.True(float.IsFinite(scores[0]));
                Assert.All(scores.Skip(1), s => Assert.True(float.IsNaN(s), $"score {s}"));
            }
        }
    }

    [Fact]
    public void MlpClassifier()
    {
        var ml = new MLContext(seed: 1);
        var training = Rows(40, (x, c) => new VectorRow { Features = x, Label = c == 0 ? "a" : "b" }, 8);
        AssertClassifier(ml, ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options { HiddenLayers = [4], NumberOfEpochs = 2, Seed = 1 }),
            training, ScoringRows(training[0], r => r.Features, x => new VectorRow { Features = x, Label = "a" }, 5));
    }

    [Fact]
    public void ImageClassifier()
    {
        var ml = new MLContext(seed: 1);
        var training = Rows(16, (x, c) => new ImageRow { Features = x, Label = c == 0 ? "a" : "b" }, 64);
        var options = new ImageClassifier.Options
        {
            Network = ImageNetwork.SmallCnn, NumberOfEpochs = 1, Seed = 1,
            SmallCnn = new SmallCnnArchitecture { Conv1Channels = 2, Conv2Channels = 2, HiddenUnits = 4 },
        };
        AssertClassifier(ml, ml.DeepLearning().MulticlassClassification.Image(options),
            training, ScoringRows(training[0], r => r.Features, x => new ImageRow { Features = x, Label = "a" }, 37));
    }

    [Fact]
    public void RecurrentClassifier()
    {
        var ml = new MLContext(seed: 1);
        var training = Rows(40, (x, c) => new VectorRow { Features = x, Label = c == 0 ? "a" : "b" }, 8);
        var options = new RecurrentClassifier.Options { FeaturesPerStep = 2, Recurrent = new RecurrentArchitecture { HiddenSize = 4 }, NumberOfEpochs = 2, Seed = 1 };
        AssertClassifier(ml, ml.DeepLearning().MulticlassClassification.Recurrent(options),
            training, ScoringRows(training[0], r => r.Features, x => new VectorRow { Features = x, Label = "a" }, 0));
    }

    [Fact]
    public void MlpRegressor()
    {
        var ml = new MLContext(seed: 1);
        var training = Rows(40, (x, c) => new ValueRow { Features = x, Label = x.Sum() }, 8);
        AssertRegressor(ml, ml.DeepLearning().Regression.Mlp(new MlpRegressor.Options { HiddenLayers = [4], NumberOfEpochs = 2, Seed = 1 }),
            training, ScoringRows(training[0], r => r.Features, x => new ValueRow { Features = x }, 3));
    }

    [Fact]
    public void RecurrentRegressor()
    {
        var ml = new MLContext(seed: 1);
        var training = Rows(40, (x, c) => new ValueRow { Features = x, Label = x.Sum() }, 8);
        var options = new RecurrentRegressor.Options { FeaturesPerStep = 2, Recurrent = new RecurrentArchitecture { HiddenSize = 4 }, NumberOfEpochs = 2, Seed = 1 };
        AssertRegressor(ml, ml.DeepLearning().Regression.Recurrent(options),
            training, ScoringRows(training[0], r => r.Features, x => new ValueRow { Features = x }, 7));
    }
}
