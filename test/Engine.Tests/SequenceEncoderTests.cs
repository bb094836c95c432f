using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Tests.Support;

namespace MlNetDeep.Engine.Tests;

public class SequenceEncoderTests
{
    private static readonly Rng Seeded = new(77);

    [Fact]
    public void ReshapeGradient()
    {
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 2, 6);
        GradCheck.Check(t => Ops.Tanh(t, Ops.Reshape(t, x, 3, 4)), [x]);
    }

    [Fact]
    public void SwapOuterAxesGradientAndValues()
    {
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 2, 3, 2);
        var y = Ops.SwapOuterAxes(new Tape(), x);
        Assert.Equal([3, 2, 2], y.Shape);
        Assert.Equal([1f, 2, 7, 8, 3, 4, 9, 10, 5, 6, 11, 12], y.Span.ToArray());
        var r = GradCheck.Random(Seeded, 0.1f, 1f, 2, 3, 2);
        GradCheck.Check(t => Ops.SwapOuterAxes(t, r), [r]);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void RecurrentEncoderGradientEveryParameter(bool bidirectional, int layers)
    {
        var rng = new Rng(3);
        var encoder = new RecurrentEncoder(new Lstm(2, 3, rng, layers, bidirectional), steps: 4, featuresPerStep: 2);
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 2, 8);
        Assert.Equal(bidirectional ? 6 : 3, encoder.OutputSize);
        GradCheck.Check(t => encoder.Forward(t, x), encoder.Parameters().Append(x).ToArray(), atol: 3e-3, rtol: 3e-2);
    }

    [Fact]
    public void RecurrentEncoderReturnsTheLastStepsHiddenState()
    {
        var rng = new Rng(4);
        var gru = new Gru(1, 2, rng);
        var encoder = new RecurrentEncoder(gru, steps: 5, featuresPerStep: 1);
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 3, 5);
        var tape = new Tape { IsRecording = false };
        var encoded = encoder.Forward(tape, x).Span.ToArray();
        var full = gru.Forward(tape, Ops.Reshape(tape, x, 3, 5, 1), null).Output; // (B, T, H)
        for (int b = 0; b < 3; b++)
            Assert.Equal(full.Span.Slice((b * 5 + 4) * 2, 2).ToArray(), encoded.AsSpan(b * 2, 2).ToArray());
    }
}
