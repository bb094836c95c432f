using MlNetDeep.Engine;

namespace MlNetDeep.Engine.Tests;

public class LossTests
{
    [Fact]
    public void SoftmaxAndLogSoftmaxAreStableForHugeLogits()
    {
        var x = Tensor.FromArray([1000f, 0f, -1000f, 5f, 5f, 5f], 2, 3);
        var tape = new Tape();
        var p = Ops.Softmax(tape, x).Span.ToArray();
        var lp = Ops.LogSoftmax(tape, x).Span.ToArray();
        Assert.All(p.Concat(lp), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, p[0], 6);
        Assert.Equal(-2000f, lp[2], 1);
        Assert.Equal(1f / 3, p[4], 6);
        Assert.Equal(MathF.Log(1f / 3), lp[5], 5);
    }

    [Fact]
    public void CrossEntropyMatchesDefinition()
    {
        var z = Tensor.FromArray([2f, 1f, 0.1f, 0f, 0f, 3f], 2, 3);
        var loss = Ops.SoftmaxCrossEntropy(new Tape(), z, [0, 2]).Span[0];
        double l0 = -Math.Log(Math.Exp(2) / (Math.Exp(2) + Math.Exp(1) + Math.Exp(0.1)));
        double l1 = -Math.Log(Math.Exp(3) / (2 + Math.Exp(3)));
        Assert.Equal((l0 + l1) / 2, loss, 5);
    }

    [Fact]
    public void BinaryCrossEntropyIsFiniteForHugeLogitsAndMatchesDefinition()
    {
        var z = Tensor.FromArray([500f, -500f, 0.5f], 3);
        var t = Tensor.FromArray([0f, 1f, 1f], 3);
        float loss = Ops.BinaryCrossEntropyWithLogits(new Tape(), z, t).Span[0];
        double expected = (500 + 500 + -Math.Log(1 / (1 + Math.Exp(-0.5)))) / 3;
        Assert.Equal(expected, loss, 3);
    }

    [Fact]
    public void MseMatchesDefinition()
    {
        var p = Tensor.FromArray([1f, 2f, 3f], 3);
        var t = Tensor.FromArray([1f, 0f, 6f], 3);
        Assert.Equal((0 + 4 + 9) / 3f, Ops.MseLoss(new Tape(), p, t).Span[0], 6);
    }

    [Fact]
    public void CrossEntropyRejectsOutOfRangeLabel()
    {
        var z = Tensor.Zeros(1, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.SoftmaxCrossEntropy(new Tape(), z, [3]));
    }
}
