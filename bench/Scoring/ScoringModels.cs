using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;

namespace MlNetDeep.Bench.Scoring;

/// <summary>
/// The five model kinds of the scoring benchmark, trained one epoch on synthetic data (speed does not depend on
/// quality), then saved and loaded in a fresh context as a scoring job would: MLP on 64 features (the digits shape),
/// LSTM forecaster over 24-step windows, TextCNN and BiLSTM text classifiers over words, SmallCnn on 1×28×28 images.
/// </summary>
internal static class ScoringModels
{
    private static readonly string[] Words = ["great", "awful", "movie", "plot", "the", "was", "really", "boring", "love", "phone", "battery", "and", "it", "this"];

    public static IEnumerable<ScoringModel> All(int rows)
    {
        yield return Vector("MLP digits", rows, 64, ml => ml.DeepLearning().MulticlassClassification.Mlp(
            new MlpClassifier.Options { HiddenLayers = [128], NumberOfEpochs = 1, Seed = 1 }), classify: true);
        yield return Vector("LSTM forecaster", rows, 24, ml => ml.DeepLearning().Regression.Recurrent(new RecurrentRegressor.Options
        {
            LabelColumnName = nameof(VectorRow.Target), FeaturesPerStep = 1, Recurrent = new RecurrentArchitecture { HiddenSize = 32 }, NumberOfEpochs = 1, Seed = 1,
        }), classify: false);
        yield return Text("TextCNN", rows, TextNetwork.Cnn);
        yield return Text("BiLSTM text", rows, TextNetwork.Recurrent);
        yield return Vector("SmallCnn", rows, 28 * 28, ml => ml.DeepLearning().MulticlassClassification.Image(
            new ImageClassifier.Options { ImageShape = [1, 28, 28], NumberOfEpochs = 1, Seed = 1 }), classify: true);
    }

    private static ScoringModel Vector(string name, int rows, int size, Func<MLContext, IEstimator<ITransformer>> trainer, bool classify)
    {
        var rng = new Rng(7);
        List<VectorRow> Make(int n) => Enumerable.Range(0, n).Select(i =>
        {
            var features = Enumerable.Range(0, size).Select(_ => (float)rng.NextGaussian()).ToArray();
            return new VectorRow { Features = features, Label = (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture), Target = features[^1] };
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(VectorRow));
        schema[nameof(VectorRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        var ml = new MLContext(seed: 1);
        var training = ml.Data.LoadFromEnumerable(Make(300), schema);
        var network = trainer(ml);
        var pipeline = classify ? ml.Transforms.Conversion.MapValueToKey("Label").Append(network) : network;
        var fitted = pipeline.Fit(training);
        return Load(name, ml, fitted, training.Schema, Make(rows), schema, classify, ((NetworkEstimator)network).LastTrainingReport!.OnnxModel);
    }

    private static ScoringModel Text(string name, int rows, TextNetwork network)
    {
        var rng = new Rng(9);
        List<TextRow> Make(int n) => Enumerable.Range(0, n).Select(i => new TextRow
        {
            Text = string.Join(" ", Enumerable.Range(0, 4 + rng.NextInt(20)).Select(_ => Words[rng.NextInt(Words.Length)])),
            Label = (i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).ToList();
        var ml = new MLContext(seed: 1);
        var training = ml.Data.LoadFromEnumerable(Make(300));
        var trainer = ml.DeepLearning().MulticlassClassification.Text(new TextClassifier.Options
        {
            Network = network, MaximumLength = 32, Recurrent = new RecurrentArchitecture { HiddenSize = 64, Bidirectional = true }, NumberOfEpochs = 1, Seed = 1,
        });
        var fitted = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(training);
        return Load(name, ml, fitted, training.Schema, Make(rows), null, classify: true, trainer.LastTrainingReport!.OnnxModel);
    }

    /// <summary>Saves the model, loads it in a fresh context and prepares the rows and the PredictionEngine loop.</summary>
    private static ScoringModel Load<TRow>(string name, MLContext ml, ITransformer fitted, DataViewSchema schema, List<TRow> rows,
        SchemaDefinition? definition, bool classify, byte[] onnx) where TRow : class
    {
        using var stream = new MemoryStream();
        ml.Model.Save(fitted, schema, stream);
        stream.Position = 0;
        var fresh = new MLContext(seed: 1);
        var loaded = fresh.Model.Load(stream, out _);
        double PredictEach()
        {
            double sum = 0;
            if (classify)
            {
                var engine = fresh.Model.CreatePredictionEngine<TRow, ScoreVector>(loaded, inputSchemaDefinition: definition);
                foreach (var row in rows) sum += engine.Predict(row).Score[0];
            }
            else
            {
                var engine = fresh.Model.CreatePredictionEngine<TRow, ScoreValue>(loaded, inputSchemaDefinition: definition);
                foreach (var row in rows) sum += engine.Predict(row).Score;
            }
            return sum;
        }
        return new ScoringModel(name, fresh, loaded, fresh.Data.LoadFromEnumerable(rows, definition), PredictEach, onnx);
    }
}
