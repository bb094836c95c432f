using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// <see cref="MlpOptions.FeatureScaling"/>: Standardize (the default) learns per-slot statistics and applies them inside
/// the model; None trains on the raw features and the graph feeds them to the network as they are.
/// </summary>
public class FeatureScalingTests
{
    private static MlpClassifier.Options Classifier(FeatureScaling scaling) => new()
    {
        HiddenLayers = [16], NumberOfEpochs = 8, BatchSize = 16, LearningRate = 0.01f, Seed = 3, FeatureScaling = scaling,
    };

    private static MlpRegressor.Options Regressor(FeatureScaling scaling) => new()
    {
        HiddenLayers = [32, 16], Activation = ActivationKind.Tanh, NumberOfEpochs = 30, BatchSize = 16, LearningRate = 0.01f, Seed = 2,
        FeatureScaling = scaling,
    };

    /// <summary>Blobs centred near 0 (SyntheticData's sit at 100, where only standardised features train well).</summary>
    private static List<BlobRow> CentredBlobs(int n, int seed, float scale = 1f, float shift = 0f) =>
        SyntheticData.Blobs(n, seed).Select(r => new BlobRow { Features = r.Features.Select(v => (v - 100f) * scale + shift).ToArray(), Label = r.Label }).ToList();

    private static (ITransformer Model, MlpClassifier Trainer) FitClassifier(MLContext ml, MlpClassifier.Options options, IDataView train)
    {
        var trainer = ml.DeepLearning().MulticlassClassification.Mlp(options);
        return (ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(train), trainer);
    }

    private static string Metadata(byte[] model, string key)
    {
        using var session = new InferenceSession(model);
        return session.ModelMetadata.CustomMetadataMap[key];
    }

    private static float[][] Scores(MLContext ml, ITransformer model, List<BlobRow> rows) =>
        model.Transform(SyntheticData.View(ml, rows)).GetColumn<float[]>("Score").ToArray();

    private static float MaxDifference(float[][] a, float[][] b) => a.Zip(b).Max(p => p.First.Zip(p.Second).Max(q => Math.Abs(q.First - q.Second)));

    [Fact]
    public void NoneLearnsFromRawFeaturesAndRecordsTheChoiceInTheModel()
    {
        var ml = new MLContext(seed: 1);
        var (model, trainer) = FitClassifier(ml, Classifier(FeatureScaling.None), SyntheticData.View(ml, CentredBlobs(400, 1)));
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(SyntheticData.View(ml, CentredBlobs(200, 2))));
        Assert.True(metrics.MicroAccuracy > 0.95, $"accuracy {metrics.MicroAccuracy}");
        Assert.Equal("none", Metadata(trainer.LastTrainingReport!.OnnxModel, "mlnetdeep.feature_scaling"));
    }

    [Fact]
    public void StandardizeIgnoresTheFeaturesUnitsAndNoneDoesNot()
    {
        // Features × 4 + 3 per slot: standardised, the network sees (almost) the same values, so the scores barely move;
        // raw, the network sees other numbers and learns another function.
        var ml = new MLContext(seed: 1);
        var test = CentredBlobs(100, 2);
        var testRescaled = CentredBlobs(100, 2, scale: 4f, shift: 3f);
        float Shift(FeatureScaling scaling)
        {
            // One short epoch, so the probabilities are not all saturated at 0 or 1.
            var options = Classifier(scaling);
            options.NumberOfEpochs = 1;
            options.LearningRate = 1e-3f;
            var (original, _) = FitClassifier(ml, options, SyntheticData.View(ml, CentredBlobs(300, 1)));
            var (rescaled, _) = FitClassifier(ml, options, SyntheticData.View(ml, CentredBlobs(300, 1, scale: 4f, shift: 3f)));
            return MaxDifference(Scores(ml, original, test), Scores(ml, rescaled, testRescaled));
        }
        float standardized = Shift(FeatureScaling.Standardize), none = Shift(FeatureScaling.None);
        Assert.True(standardized < 1e-3f, $"Standardize: scores moved by {standardized}");
        Assert.True(none > 0.05f, $"None: scores moved by only {none}");
    }

    [Fact]
    public void StandardizeIsTheDefaultAndUnchanged()
    {
        Assert.Equal(FeatureScaling.Standardize, new MlpClassifier.Options().FeatureScaling);
        Assert.Equal(FeatureScaling.Standardize, new MlpRegressor.Options().FeatureScaling);
        Assert.Equal(FeatureScaling.Standardize, MlpOptions.Defaults.FeatureScaling);
        var ml = new MLContext(seed: 1);
        var train = SyntheticData.View(ml, SyntheticData.Blobs(200, 1));
        var defaults = Classifier(FeatureScaling.Standardize);
        defaults.FeatureScaling = new MlpClassifier.Options().FeatureScaling;
        var (_, byDefault) = FitClassifier(ml, defaults, train);
        var (_, explicitly) = FitClassifier(ml, Classifier(FeatureScaling.Standardize), train);
        Assert.Equal(byDefault.LastTrainingReport!.OnnxModel, explicitly.LastTrainingReport!.OnnxModel);
        Assert.Equal("standardize", Metadata(explicitly.LastTrainingReport!.OnnxModel, "mlnetdeep.feature_scaling"));
        var (_, raw) = FitClassifier(ml, Classifier(FeatureScaling.None), train);
        Assert.NotEqual(explicitly.LastTrainingReport!.OnnxModel, raw.LastTrainingReport!.OnnxModel);
    }

    [Fact]
    public void ClassifierWithoutScalingSavesAndLoads()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.DeepLearning().MulticlassClassification.Mlp(Classifier(FeatureScaling.None)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));
        EstimatorWorkout.Run<BlobRow, ClassPrediction>(ml, pipeline, SyntheticData.View(ml, CentredBlobs(300, 1)), CentredBlobs(50, 5), ["Features", "Label"]);
    }

    [Fact]
    public void RegressorWithoutScalingKeepsTheLabelStandardisationAndSavesAndLoads()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.DeepLearning().Regression.Mlp(Regressor(FeatureScaling.None));
        var model = EstimatorWorkout.Run<CurveRow, ValuePrediction>(ml, trainer, SyntheticData.View(ml, SyntheticData.Curve(600, 1)),
            SyntheticData.Curve(30, 9), ["Features", "Label"]);
        var scored = model.Transform(SyntheticData.View(ml, SyntheticData.Curve(200, 2)));
        var metrics = ml.Regression.Evaluate(scored);
        Assert.True(metrics.RSquared > 0.9, $"R² {metrics.RSquared}");
        Assert.InRange(scored.GetColumn<float>("Score").Average(), 45, 55); // label scaling still undone in the graph
        Assert.Equal("none", Metadata(trainer.LastTrainingReport!.OnnxModel, "mlnetdeep.feature_scaling"));
    }

    [Fact]
    public void AnUnknownScalingIsRejectedWhenTheTrainerIsCreated()
    {
        var options = Classifier((FeatureScaling)7);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().DeepLearning().MulticlassClassification.Mlp(options));
        Assert.Equal(nameof(MlpOptions.FeatureScaling), ex.ParamName);
        Assert.Contains("Standardize", ex.Message);
        Assert.Contains("None", ex.Message);
        var regressor = Regressor((FeatureScaling)(-1));
        Assert.Equal(nameof(MlpOptions.FeatureScaling),
            Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().DeepLearning().Regression.Mlp(regressor)).ParamName);
    }
}
