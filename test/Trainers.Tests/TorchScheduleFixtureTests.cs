using System.Text.Json;

namespace MlNetDeep.Trainers.Tests;

/// <summary>
/// Every learning-rate schedule gives PyTorch 1.13's rates (test/data/torch-training/training.json, written by
/// scripts/generate-torch-training-fixtures.py from StepLR, ExponentialLR, LinearLR + CosineAnnealingLR, OneCycleLR and
/// ReduceLROnPlateau), at every mini-batch of every epoch.
/// </summary>
public class TorchScheduleFixtureTests
{
    private static readonly JsonElement Cases = Load();

    private static JsonElement Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MlNetDeep.sln")))
                return JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.FullName, "test", "data", "torch-training", "training.json"))).RootElement;
        throw new DirectoryNotFoundException($"No MlNetDeep.sln above {AppContext.BaseDirectory}.");
    }

    private static double[] Rates(JsonElement c) => c.GetProperty("rates").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static float F(JsonElement c, string name) => c.GetProperty(name).GetSingle();

    private static int I(JsonElement c, string name) => c.GetProperty(name).GetInt32();

    /// <summary>The run's rate at every (epoch, step), in order, against PyTorch's, to float precision.</summary>
    private static void AssertRates(LearningRateSchedule schedule, JsonElement c, int stepsPerEpoch)
    {
        double[] expected = Rates(c);
        int epochs = expected.Length / stepsPerEpoch;
        var run = schedule.Start(new ScheduleContext(F(c, "base"), epochs, stepsPerEpoch, HigherIsBetter: false));
        var actual = new List<double>();
        for (int epoch = 1; epoch <= epochs; epoch++)
            for (int step = 0; step < stepsPerEpoch; step++)
                actual.Add(run.Rate(epoch, step));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-6 * Math.Max(expected[i], 1e-3), $"step {i}: {actual[i]} vs PyTorch {expected[i]}");
    }

    [Fact]
    public void StepMatchesStepLR()
    {
        var c = Cases.GetProperty("step");
        AssertRates(LearningRateSchedule.Step(I(c, "every"), F(c, "factor")), c, stepsPerEpoch: 1);
    }

    [Fact]
    public void ExponentialMatchesExponentialLR()
    {
        var c = Cases.GetProperty("exponential");
        AssertRates(LearningRateSchedule.Exponential(F(c, "factor")), c, stepsPerEpoch: 1);
    }

    [Theory]
    [InlineData("cosine")]
    [InlineData("cosine_warmup")]
    public void CosineMatchesLinearWarmupThenCosineAnnealingLR(string name)
    {
        var c = Cases.GetProperty(name);
        AssertRates(LearningRateSchedule.Cosine(I(c, "warmup_epochs"), F(c, "minimum")), c, I(c, "steps_per_epoch"));
    }

    [Fact]
    public void OneCycleMatchesOneCycleLR()
    {
        var c = Cases.GetProperty("one_cycle");
        AssertRates(LearningRateSchedule.OneCycle(F(c, "warmup_fraction"), F(c, "initial_divisor"), F(c, "final_divisor")), c, I(c, "steps_per_epoch"));
    }

    [Theory]
    [InlineData("plateau_min")]
    [InlineData("plateau_max")]
    public void ReduceOnPlateauMatchesReduceLROnPlateau(string name)
    {
        var c = Cases.GetProperty(name);
        double[] expected = Rates(c);
        double[] metrics = c.GetProperty("metrics").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var schedule = LearningRateSchedule.ReduceOnPlateau(F(c, "factor"), I(c, "patience"), F(c, "minimum"));
        var run = schedule.Start(new ScheduleContext(F(c, "base"), metrics.Length, 5, c.GetProperty("higher_is_better").GetBoolean()));
        int reductions = 0;
        for (int epoch = 1; epoch <= metrics.Length; epoch++)
        {
            for (int step = 0; step < 5; step++) // constant within an epoch
                Assert.Equal(expected[epoch - 1], run.Rate(epoch, step), 1e-6 * expected[epoch - 1]);
            if (run.EpochEnded(epoch, metrics[epoch - 1]) is { } line && epoch < metrics.Length) // a last reduction is never used
            {
                reductions++;
                Assert.Contains($"after epoch {epoch}", line);
            }
        }
        Assert.Equal(expected.Zip(expected.Skip(1)).Count(p => p.Second < p.First), reductions); // one log line per reduction
        Assert.True(reductions >= 2);
    }

    [Fact]
    public void RatesStayFiniteAndNonNegativeForShortRuns()
    {
        // One epoch of one or two mini-batches: OneCycle's warm-up is shorter than a step, cosine anneals over one step.
        foreach (var schedule in new[] { LearningRateSchedule.OneCycle(0.5f), LearningRateSchedule.OneCycle(), LearningRateSchedule.Cosine() })
            foreach (int steps in new[] { 1, 2, 3 })
            {
                var run = schedule.Start(new ScheduleContext(0.1f, 1, steps, false));
                for (int step = 0; step < steps + 1; step++) // one step too many is clamped to the end
                {
                    float rate = run.Rate(1, step);
                    Assert.True(float.IsFinite(rate) && rate >= 0 && rate <= 0.1f + 1e-7f, $"{schedule}, {steps} steps, step {step}: {rate}");
                }
            }
    }
}
