using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Tests.Support;

namespace MlNetDeep.Engine.Tests;

public class TextModelTests
{
    [Fact]
    public void AnchorTextCnnHasTheAnchorsParameterCount()
    {
        var net = TextCnn.Build(new TextCnnSpec(5000, 0, 100, 64, [3, 4, 5], 64, 0.5f, 2), new Rng(1));
        Assert.Equal(369_730, net.ParameterCount());
    }

    [Fact]
    public void ParallelConcatGradient()
    {
        var rng = new Rng(3);
        var block = new ParallelConcat(new Linear(3, 2, rng), new Sequential(new Linear(3, 4, rng), new Activation(ActivationKind.Tanh)));
        var x = GradCheck.Random(rng, 0.1f, 1f, 2, 3);
        GradCheck.Check(t => block.Forward(t, x), block.Parameters().Append(x).ToArray());
    }

    [Fact]
    public void TextCnnGradientEveryParameter()
    {
        var rng = new Rng(4);
        var net = TextCnn.Build(new TextCnnSpec(6, 5, 5, 3, [2, 3], 2, 0f, 2), rng);
        var ids = Tensor.FromArray([1, 2, 3, 5, 5, 4, 0, 1, 2, 3], 2, 5);
        GradCheck.Check(t => Ops.SoftmaxCrossEntropy(t, net.Forward(t, ids), [0, 1]), net.Parameters().ToArray(), atol: 5e-3, rtol: 3e-2);
    }

    [Fact]
    public void TextRecurrentEncoderIgnoresPaddingAndGradientChecks()
    {
        var rng = new Rng(5);
        var encoder = new TextRecurrentEncoder(new Embedding(6, 3, rng, 5), new Lstm(3, 2, rng, 1, true), 5);
        var tape = new Tape { IsRecording = false };
        var shortRow = encoder.Forward(tape, Tensor.FromArray([1, 2, 3], 1, 3)).Span.ToArray();
        var paddedRow = encoder.Forward(tape, Tensor.FromArray([1, 2, 3, 5, 5, 5], 1, 6)).Span.ToArray();
        Assert.Equal(shortRow, paddedRow);
        var empty = encoder.Forward(tape, Tensor.FromArray([5, 5, 5], 1, 3)).Span.ToArray();
        Assert.All(empty, v => Assert.True(float.IsFinite(v))); // an empty text reads one pad token
        var ids = Tensor.FromArray([1, 2, 3, 5, 4, 0, 5, 5], 2, 4);
        GradCheck.Check(t => encoder.Forward(t, ids), encoder.Parameters().ToArray(), atol: 3e-3, rtol: 3e-2);
    }
}
