using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// The training-schedule options through the public API: the rate of every epoch is in the reports and the log, weight
/// decay and label smoothing change the trained model, the same seed still gives the same model, and options that do not
/// fit together are rejected when the trainer is created.
/// </summary>
public class TrainingScheduleTests
{
    private static MlpClassifier.Options Options() => new()
    {
        HiddenLayers = [16], NumberOfEpochs = 6, BatchSize = 16, LearningRate = 0.02f, Seed = 3,
    };

    private static (float[] Scores, TrainingReport Report, List<string> Log) Fit(MlpClassifier.Options options, bool validate = false)
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Source.StartsWith("MlNetDeep", StringComparison.Ordinal)) lock (log) log.Add(e.Message); };
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label").Fit(SyntheticData.View(ml, SyntheticData.Blobs(200, 1)));
        if (validate) options.ValidationSet = toKey.Transform(SyntheticData.View(ml, SyntheticData.Blobs(60, 2)));
        var trainer = ml.DeepLearning().MulticlassClassification.Mlp(options);
        var model = trainer.Fit(toKey.Transform(SyntheticData.View(ml, SyntheticData.Blobs(200, 1))));
        var scored = model.Transform(toKey.Transform(SyntheticData.View(ml, SyntheticData.Blobs(30, 3))));
        float[] scores = [.. scored.GetColumn<float[]>("Score").SelectMany(s => s)];
        return (scores, trainer.LastTrainingReport!, log);
    }

    [Fact]
    public void EveryEpochReportsItsRateAndTheLogNamesTheSchedule()
    {
        var options = Options();
        options.LearningRateSchedule = LearningRateSchedule.Step(everyEpochs: 2, factor: 0.5f);
        var (_, report, log) = Fit(options);
        Assert.Equal([0.02, 0.02, 0.01, 0.01, 0.005, 0.005], report.History.Select(r => Math.Round(r.LearningRate, 9)));
        Assert.Contains(log, l => l.Contains("schedule step (×0.5 every 2 epochs)", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("] epoch 3/6: learning rate 0.01,", StringComparison.Ordinal));
    }

    [Fact]
    public void ConstantRateIsReportedWithoutASchedule()
    {
        var (_, report, _) = Fit(Options());
        Assert.All(report.History, r => Assert.Equal(0.02, r.LearningRate, 6));
    }

    [Fact]
    public void WeightDecayAndLabelSmoothingChangeTheModelAndTheSeedStillFixesIt()
    {
        var (plain, _, _) = Fit(Options());
        MlpClassifier.Options Tuned()
        {
            var o = Options();
            o.WeightDecay = 0.05f;
            o.LabelSmoothing = 0.1f;
            o.LearningRateSchedule = LearningRateSchedule.Cosine(warmupEpochs: 1);
            return o;
        }
        var (tuned, _, _) = Fit(Tuned());
        var (again, _, _) = Fit(Tuned());
        Assert.NotEqual(plain, tuned);
        Assert.Equal(tuned, again);
        // Smoothing keeps the largest probability away from 1: a smoothed model is less confident on the same rows.
        Assert.True(tuned.Max() < plain.Max(), $"{tuned.Max()} vs {plain.Max()}");
    }

    [Fact]
    public void ReduceOnPlateauReducesWhenTheValidationLossStalls()
    {
        // Tiny noisy training set + big network (as in the early-stopping test): the validation loss soon stops improving.
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Source.StartsWith("MlNetDeep", StringComparison.Ordinal)) lock (log) log.Add(e.Message); };
        var noisy = SyntheticData.Blobs(60, 11);
        foreach (var row in noisy.Take(20)) row.Label = SyntheticData.Classes[(Array.IndexOf(SyntheticData.Classes, row.Label) + 1) % 3];
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label").Fit(SyntheticData.View(ml, noisy));
        var trainer = ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options
        {
            HiddenLayers = [64, 64], NumberOfEpochs = 12, BatchSize = 8, LearningRate = 0.01f, Seed = 1, EarlyStoppingPatience = null,
            ValidationSet = toKey.Transform(SyntheticData.View(ml, SyntheticData.Blobs(200, 12))),
            LearningRateSchedule = LearningRateSchedule.ReduceOnPlateau(factor: 0.5f, patience: 1),
        });
        trainer.Fit(toKey.Transform(SyntheticData.View(ml, noisy)));
        var rates = trainer.LastTrainingReport!.History.Select(r => r.LearningRate).ToArray();
        int reductions = rates.Zip(rates.Skip(1)).Count(p => p.Second < p.First);
        Assert.True(reductions >= 1, string.Join(", ", rates));
        Assert.All(rates.Zip(rates.Skip(1)), p => Assert.True(p.Second == p.First || p.Second == p.First * 0.5f));
        int logged = log.Count(l => l.Contains("] reduce on plateau after epoch", StringComparison.Ordinal));
        Assert.True(logged == reductions || logged == reductions + 1, $"{logged} log lines, {reductions} reductions"); // + one after the last epoch
    }

    public static TheoryData<string, Action<MlpClassifier.Options>, string> Mismatches => new()
    {
        { "LearningRateSchedule", o => o.LearningRateSchedule = LearningRateSchedule.Cosine(warmupEpochs: 6), "leave no epoch to anneal in (NumberOfEpochs = 6)" },
        { "LearningRateSchedule", o => o.LearningRateSchedule = LearningRateSchedule.Cosine(minimumLearningRate: 0.05f), "must be below LearningRate = 0.02" },
        { "LearningRateSchedule", o => o.LearningRateSchedule = LearningRateSchedule.ReduceOnPlateau(), "set ValidationSet" },
        { "WeightDecay", o => o.WeightDecay = -0.01f, "WeightDecay must be a finite number ≥ 0" },
        { "WeightDecay", o => o.WeightDecay = float.NaN, "WeightDecay must be a finite number ≥ 0" },
        { "LabelSmoothing", o => o.LabelSmoothing = 1f, "LabelSmoothing must lie in [0, 1)" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void OptionsThatDoNotFitTogetherAreRejectedWhenTheTrainerIsCreated(string option, Action<MlpClassifier.Options> change, string fragment)
    {
        var options = Options();
        change(options);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().DeepLearning().MulticlassClassification.Mlp(options));
        Assert.Equal(option, ex.ParamName);
        Assert.Contains(fragment, ex.Message);
    }

    [Fact]
    public void RegressorsRejectLabelSmoothing()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new MLContext().DeepLearning().Regression.Mlp(new MlpRegressor.Options { LabelSmoothing = 0.1f }));
        Assert.Equal("LabelSmoothing", ex.ParamName);
        Assert.Contains("applies to classifiers", ex.Message);
    }

    [Fact]
    public void ScheduleFactoriesRejectBadArgumentsByName()
    {
        Assert.Equal("everyEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(0)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(2, 1.5f)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Exponential(0f)).ParamName);
        Assert.Equal("warmupEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(-1)).ParamName);
        Assert.Equal("minimumLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(0, -1e-3f)).ParamName);
        Assert.Equal("warmupFraction", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.OneCycle(1f)).ParamName);
        Assert.Equal("initialDivisor", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.OneCycle(0.3f, 1f)).ParamName);
        Assert.Equal("finalDivisor", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.OneCycle(0.3f, 25f, float.PositiveInfinity)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.ReduceOnPlateau(1f)).ParamName);
        Assert.Equal("patience", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.ReduceOnPlateau(0.5f, 0)).ParamName);
    }
}
