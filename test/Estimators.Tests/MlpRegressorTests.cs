using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

public class MlpRegressorTests
{
    private static MlpRegressor.Options Options(int seed = 2) => new()
    {
        HiddenLayers = [32, 16], Activation = ActivationKind.Tanh, NumberOfEpochs = 30, BatchSize = 16,
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
    public void Workout()
    {
        // Schema before Fit = after, missing columns named, Save → Load in a fresh context gives identical scores.
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.CopyColumns("Target", "Label").Append(ml.DeepLearning().Regression.Mlp(Options()));
        EstimatorWorkout.Run<CurveRow, ValuePrediction>(ml, pipeline, SyntheticData.View(ml, SyntheticData.Curve(200, 1)), SyntheticData.Curve(30, 9),
            ["Features", "Label"]);
    }

    [Fact]
    public void SameSeedSameModel()
    {
        var ml = new MLContext(seed: 1);
        var train = SyntheticData.View(ml, SyntheticData.Curve(100, 1));
        var first = ml.DeepLearning().Regression.Mlp(Options(5));
        first.Fit(train);
        var second = ml.DeepLearning().Regression.Mlp(Options(5));
        second.Fit(train);
        Assert.Equal(first.LastTrainingReport!.OnnxModel, second.LastTrainingReport!.OnnxModel);
    }
}
