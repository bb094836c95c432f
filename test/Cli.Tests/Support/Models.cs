using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Cli.Tests.Support;

/// <summary>An input row of the classifier and regressor tests: an id, 4 features, a text label.</summary>
public sealed class BlobRow
{
    public string Id { get; set; } = "";

    [VectorType(4)]
    public float[] Features { get; set; } = [];

    public string Label { get; set; } = "";
}

/// <summary>A (source, target) text pair for the text → text model.</summary>
public sealed class TextPair
{
    public string Source { get; set; } = "";

    public string Label { get; set; } = "";
}

/// <summary>A saved model and what the tests compare with: the trainer's ONNX bytes and the model as fitted.</summary>
public sealed record SavedModelFile(string Path, byte[] Onnx, MLContext Ml, ITransformer Model);

/// <summary>Small models trained once per test class (a few epochs on a few rows), saved as model.zip in a folder.</summary>
public static class Models
{
    public static readonly string[] Classes = ["cat", "dog", "bird"];

    /// <summary>Three blobs in 4-D, ids r0, r1, …; labels as text.</summary>
    public static List<BlobRow> Blobs(int n, int seed)
    {
        var rng = new Random(seed);
        float[][] centres = [[2, 0, 0, 1], [0, 2, 0, -1], [0, 0, 2, 0]];
        return [.. Enumerable.Range(0, n).Select(i =>
        {
            int c = rng.Next(3);
            return new BlobRow { Id = $"r{i}", Features = [.. centres[c].Select(v => v * 3 + 10f + (float)rng.NextDouble())], Label = Classes[c] };
        })];
    }

    /// <summary>An MLP classifier (MapValueToKey(Label) → Mlp), saved in <paramref name="folder"/>.</summary>
    public static SavedModelFile Classifier(string folder)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Blobs(60, 1));
        var trainer = ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options { HiddenLayers = [8], NumberOfEpochs = 2, Seed = 1 });
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(train);
        return Save(ml, model, train.Schema, Path.Combine(folder, "classifier.zip"), trainer.LastTrainingReport!.OnnxModel);
    }

    /// <summary>The classifier with a numeric label (the class index × 10), as the digits model has: key values are floats.</summary>
    public static SavedModelFile NumericLabelClassifier(string folder)
    {
        var ml = new MLContext(seed: 1);
        var rows = Blobs(60, 4).Select(r => new NumericLabelRow { Features = r.Features, Label = 10 * Array.IndexOf(Classes, r.Label) }).ToList();
        var train = ml.Data.LoadFromEnumerable(rows);
        var trainer = ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options { HiddenLayers = [8], NumberOfEpochs = 2, Seed = 1 });
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(train);
        return Save(ml, model, train.Schema, Path.Combine(folder, "numeric-label.zip"), trainer.LastTrainingReport!.OnnxModel);
    }

    /// <summary>A row with a float label.</summary>
    public sealed class NumericLabelRow
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    /// <summary>An MLP regressor on the blobs, predicting the first feature's distance from 10; saved in <paramref name="folder"/>.</summary>
    public static SavedModelFile Regressor(string folder)
    {
        var ml = new MLContext(seed: 1);
        var rows = Blobs(60, 2).Select(r => new RegressionRow { Features = r.Features, Label = r.Features[0] - 10 }).ToList();
        var train = ml.Data.LoadFromEnumerable(rows);
        var trainer = ml.DeepLearning().Regression.Mlp(new MlpRegressor.Options { HiddenLayers = [8], NumberOfEpochs = 2, Seed = 1 });
        var model = trainer.Fit(train);
        return Save(ml, model, train.Schema, Path.Combine(folder, "regressor.zip"), trainer.LastTrainingReport!.OnnxModel);
    }

    /// <summary>A tiny encoder–decoder that learns to reverse words; saved in <paramref name="folder"/>.</summary>
    public static SavedModelFile TextToText(string folder)
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(3);
        var pairs = Enumerable.Range(0, 60).Select(_ =>
        {
            string w = new([.. Enumerable.Range(0, 1 + rng.Next(4)).Select(_ => "abcd"[rng.Next(4)])]);
            return new TextPair { Source = w, Label = new string([.. w.Reverse()]) };
        }).ToList();
        var train = ml.Data.LoadFromEnumerable(pairs);
        var trainer = ml.DeepLearning().SequenceToSequence.EncoderDecoder(new EncoderDecoder.Options
        {
            EmbeddingSize = 8, HiddenSize = 8, NumberOfEpochs = 1, Seed = 1, Decoding = new DecodingOptions { MaximumLength = 8 },
        });
        var model = trainer.Fit(train);
        return Save(ml, model, train.Schema, Path.Combine(folder, "text.zip"), trainer.LastTrainingReport!.OnnxModel);
    }

    private static SavedModelFile Save(MLContext ml, ITransformer model, DataViewSchema schema, string path, byte[] onnx)
    {
        ml.Model.Save(model, schema, path);
        return new SavedModelFile(path, onnx, ml, model);
    }

    /// <summary>The regressor's rows.</summary>
    public sealed class RegressionRow
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
