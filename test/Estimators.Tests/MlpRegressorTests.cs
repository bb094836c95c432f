using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

public class MlpRegressorTests
{
    private static MlpRegressor.Options Options(int seed = 2) => new()
    {
        HiddenLayers = [32, 16], Activation = Engine.Layers.ActivationKind.Tanh, NumberOfEpochs = 30, BatchSize = 16,
        LearningRate = 0.01f, Seed = seed,
    };

    [Fact]
    public void LearnsANonlinearFunctionInLabelUnitsAndEvaluates()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.DeepLearning().Regression.Mlp(Options());
        var model = trainer.Fit(SyntheticData.View(ml, SyntheticData.Curve(600, 1)));
        var scored = model.Transform(SyntheticData.View(ml, SyntheticData.Curve(200, 2)));
        Assert.Equal(NumberDataViewType.Single, scored.Schema["Score"].Type);
        var metrics = ml.Regression.Evaluate(scored);
        // Label spread is ~9 (std); a constant predictor has R² = 0.
        Assert.True(metrics.RSquared > 0.95, $"R² {metrics.RSquared}, RMSE {metrics.RootMeanSquaredError}");
        Assert.InRange(scored.GetColumn<float>("Score").Average(), 45, 55); // label scaling undone in the graph
    }

    [Fact]
    public void SaveLoadPredictionEngineGivesIdenticalPredictions()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.CopyColumns("Target", "Label")
            .Append(ml.DeepLearning().Regression.Mlp(Options()));
        var train = SyntheticData.View(ml, SyntheticData.Curve(200, 1));
        var model = pipeline.Fit(train);
        using var stream = new MemoryStream();
        ml.Model.Save(model, train.Schema, stream);
        stream.Position = 0;
        var fresh = new MLContext();
        var loaded = fresh.Model.Load(stream, out _);
        var a = ml.Model.CreatePredictionEngine<CurveRow, ValuePrediction>(model);
        var b = fresh.Model.CreatePredictionEngine<CurveRow, ValuePrediction>(loaded);
        foreach (var row in SyntheticData.Curve(30, 9)) Assert.Equal(a.Predict(row).Score, b.Predict(row).Score);
    }

    [Fact]
    public void OutputSchemaMatchesFittedSchemaAndSameSeedSameModel()
    {
        var ml = new MLContext(seed: 1);
        var train = SyntheticData.View(ml, SyntheticData.Curve(100, 1));
        var first = ml.DeepLearning().Regression.Mlp(Options(5));
        var predicted = first.GetOutputSchema(Schemas.Shape(train.Schema)).Single(c => c.Name == "Score");
        var fitted = Schemas.Shape(first.Fit(train).Transform(train).Schema).Single(c => c.Name == "Score");
        Assert.Equal(fitted.Kind, predicted.Kind);
        Assert.Equal(fitted.ItemType, predicted.ItemType);

        var second = ml.DeepLearning().Regression.Mlp(Options(5));
        second.Fit(train);
        Assert.Equal(first.LastTrainingReport!.OnnxModel, second.LastTrainingReport!.OnnxModel);
    }
}
