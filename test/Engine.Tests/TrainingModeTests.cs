using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Tests;

/// <summary>Dropout and BatchNorm behave differently in training and inference, exactly as specified.</summary>
public class TrainingModeTests
{
    private static Tensor Filled(int n, float value)
    {
        var t = Tensor.Zeros(n);
        t.Span.Fill(value);
        return t;
    }

    [Fact]
    public void DropoutTrainingZeroesAboutPAndScalesSurvivors()
    {
        var layer = new Dropout(0.25f, new Rng(1));
        var x = Filled(20000, 2f);
        var y = layer.Forward(new Tape(), x).Span.ToArray();
        int zeros = y.Count(v => v == 0f);
        Assert.InRange(zeros / 20000.0, 0.23, 0.27);
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(2f / 0.75f, v, 5));
        Assert.InRange(y.Average(), 1.95, 2.05); // inverted dropout keeps the expectation
    }

    [Fact]
    public void DropoutInferenceIsIdentity()
    {
        var layer = new Dropout(0.5f, new Rng(1));
        layer.SetTraining(false);
        var x = Filled(100, 3f);
        var y = layer.Forward(new Tape(), x);
        Assert.Equal(x.Span.ToArray(), y.Span.ToArray());
    }

    [Fact]
    public void BatchNormTrainingNormalisesWithBatchStatisticsAndUpdatesRunningAverages()
    {
        var bn = new BatchNorm(2, epsilon: 1e-5f, momentum: 0.1f);
        // Channel 0: 1,2,3,4 (mean 2.5, biased var 1.25, unbiased 5/3); channel 1: 10,10,10,14.
        var x = Tensor.FromArray([1, 10, 2, 10, 3, 10, 4, 14], 4, 2);
        var y = bn.Forward(new Tape(), x).Span.ToArray();
        float r0 = 1f / MathF.Sqrt(1.25f + 1e-5f);
        Assert.Equal((1 - 2.5f) * r0, y[0], 5);
        Assert.Equal((4 - 2.5f) * r0, y[6], 5);
        Assert.Equal(0.1f * 2.5f, bn.RunningMean.Span[0], 6);
        Assert.Equal(0.9f + 0.1f * (5f / 3f), bn.RunningVar.Span[0], 6);
        Assert.Equal(0.1f * 11f, bn.RunningMean.Span[1], 5);
        Assert.Equal(0.9f + 0.1f * 4f, bn.RunningVar.Span[1], 5); // unbiased var of 10,10,10,14 = 4
    }

    [Fact]
    public void BatchNormInferenceUsesRunningAveragesAndLearnedScaleShift()
    {
        var bn = new BatchNorm(2);
        bn.RunningMean.Span[0] = 1f; bn.RunningVar.Span[0] = 4f;
        bn.RunningMean.Span[1] = -1f; bn.RunningVar.Span[1] = 0.25f;
        bn.Gamma.Span[0] = 2f; bn.Beta.Span[1] = 0.5f;
        bn.SetTraining(false);
        var x = Tensor.FromArray([3, 0], 1, 2); // a batch of one is fine at inference
        var y = bn.Forward(new Tape(), x).Span.ToArray();
        Assert.Equal(2f * (3 - 1) / MathF.Sqrt(4f + 1e-5f), y[0], 5);
        Assert.Equal((0 + 1) / MathF.Sqrt(0.25f + 1e-5f) + 0.5f, y[1], 5);
        Assert.Equal(1f, bn.RunningMean.Span[0]); // not updated at inference
    }

    [Fact]
    public void BatchNormRejectsSingleSampleBatchWhileTraining()
    {
        var bn = new BatchNorm(3);
        var ex = Assert.Throws<ArgumentException>(() => bn.Forward(new Tape(), Tensor.Zeros(1, 3)));
        Assert.Contains("more than one value", ex.Message);
    }
}
