using MlNetDeep.Engine;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Engine.Tests;

public class OptimizerTests
{
    private static Tensor Param(float[] values, float[] grad)
    {
        var p = Parameter.Create(values.Length);
        values.CopyTo(p.Span);
        grad.CopyTo(p.Grad!.Span);
        return p;
    }

    [Fact]
    public void SgdWithMomentumMatchesHandComputedSteps()
    {
        var p = Param([1f, -2f], [0.5f, 1f]);
        var sgd = new Sgd([p], 0.1f, momentum: 0.9f);
        sgd.Step(); // v = g; p -= 0.1 v
        Assert.Equal([0.95f, -2.1f], p.Span.ToArray());
        sgd.Step(); // v = 0.9 g + g = 1.9 g
        Assert.Equal(0.95f - 0.1f * 0.95f, p.Span[0], 6);
        Assert.Equal(-2.1f - 0.1f * 1.9f, p.Span[1], 6);
    }

    [Fact]
    public void AdamMatchesReferenceFormulaOverTwoSteps()
    {
        var p = Param([1f], [0.2f]);
        var adam = new Adam([p], 0.01f);
        adam.Step();
        // Step 1: m̂ = g, v̂ = g², update = lr·g/(|g|+ε) ≈ lr
        Assert.Equal(1f - 0.01f, p.Span[0], 5);
        p.Grad!.Span[0] = -0.4f;
        adam.Step();
        double m = 0.9 * 0.1 * 0.2 + 0.1 * -0.4, v = 0.999 * 0.001 * 0.04 + 0.001 * 0.16;
        double mh = m / (1 - 0.81), vh = v / (1 - 0.999 * 0.999);
        Assert.Equal(0.99 - 0.01 * mh / (Math.Sqrt(vh) + 1e-8), p.Span[0], 5);
    }

    [Fact]
    public void ClipByGlobalNormScalesAllGradientsTogether()
    {
        var a = Param([0f], [3f]);
        var b = Param([0f, 0f], [0f, 4f]);
        float norm = GradientClipping.ClipByGlobalNorm([a, b], 1f);
        Assert.Equal(5f, norm, 5);
        Assert.Equal(0.6f, a.Grad!.Span[0], 4);
        Assert.Equal(0.8f, b.Grad!.Span[1], 4);
        GradientClipping.ClipByGlobalNorm([a, b], 10f); // below the limit: unchanged
        Assert.Equal(0.6f, a.Grad!.Span[0], 4);
    }

    [Fact]
    public void ClipByValueClamps()
    {
        var a = Param([0f, 0f, 0f], [-3f, 0.5f, 2f]);
        GradientClipping.ClipByValue([a], 1f);
        Assert.Equal([-1f, 0.5f, 1f], a.Grad!.Span.ToArray());
    }

    [Fact]
    public void InvalidHyperparametersNameTheOption()
    {
        var p = Param([0f], [0f]);
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], -1f)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], 0.1f, 1.5f)).ParamName);
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], 0.1f, beta1: 1f)).ParamName);
    }
}
