using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Engine.Tests;

/// <summary>Why random initialisation matters: identical neurons receive identical gradients forever.</summary>
public class SymmetryTests
{
    private static (Linear hidden, Sequential net) Build(bool identicalStart)
    {
        var rng = new Rng(3);
        var hidden = new Linear(4, 5, rng);
        var net = new Sequential(hidden, new Activation(ActivationKind.Tanh), new Linear(5, 3, rng));
        if (identicalStart)
        {
            hidden.Weight.Span.Fill(0.3f);
            hidden.Bias!.Span.Fill(0.1f);
            var output = (Linear)net.Children[2];
            output.Weight.Span.Fill(0.2f);
        }
        return (hidden, net);
    }

    private static void Train(Sequential net, int steps)
    {
        var data = new Rng(9);
        var x = Tensor.Zeros(8, 4);
        for (int i = 0; i < x.Length; i++) x.Span[i] = data.Uniform(-1, 1);
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1];
        var sgd = new Sgd(net.Parameters(), 0.5f, momentum: 0.9f);
        var tape = new Tape();
        for (int s = 0; s < steps; s++)
        {
            sgd.ZeroGrad();
            tape.Backward(Ops.SoftmaxCrossEntropy(tape, net.Forward(tape, x), labels));
            sgd.Step();
            tape.Reset();
        }
    }

    private static float[] Row(Tensor w, int r) => w.Span.Slice(r * w.Shape[1], w.Shape[1]).ToArray();

    [Fact]
    public void IdenticalNeuronsStayIdenticalAfterTraining()
    {
        var (hidden, net) = Build(identicalStart: true);
        var before = hidden.Weight.Span.ToArray();
        Train(net, 20);
        Assert.NotEqual(before, hidden.Weight.Span.ToArray()); // it did learn
        for (int r = 1; r < hidden.OutFeatures; r++)
        {
            Assert.Equal(Row(hidden.Weight, 0), Row(hidden.Weight, r));
            Assert.Equal(hidden.Bias!.Span[0], hidden.Bias.Span[r]);
        }
    }

    [Fact]
    public void RandomInitialisationBreaksSymmetry()
    {
        var (hidden, net) = Build(identicalStart: false);
        Train(net, 20);
        for (int r = 1; r < hidden.OutFeatures; r++)
            Assert.NotEqual(Row(hidden.Weight, 0), Row(hidden.Weight, r));
    }

    [Fact]
    public void DefaultInitialisationIsNeverZeroAndFollowsGlorotBound()
    {
        var layer = new Linear(30, 20, new Rng(1));
        float bound = MathF.Sqrt(6f / 50f);
        Assert.All(layer.Weight.Span.ToArray(), v => Assert.InRange(Math.Abs(v), 0f, bound));
        Assert.True(layer.Weight.Span.ToArray().Count(v => v != 0f) > 590);
        var he = new Linear(30, 20, new Rng(1), WeightInit.HeNormal);
        double variance = he.Weight.Span.ToArray().Select(v => (double)v * v).Average();
        Assert.InRange(variance, 2.0 / 30 * 0.8, 2.0 / 30 * 1.2);
    }

    [Fact]
    public void SameSeedSameWeightsDifferentSeedDifferentWeights()
    {
        var a = new Linear(8, 8, new Rng(42));
        var b = new Linear(8, 8, new Rng(42));
        var c = new Linear(8, 8, new Rng(43));
        Assert.Equal(a.Weight.Span.ToArray(), b.Weight.Span.ToArray());
        Assert.NotEqual(a.Weight.Span.ToArray(), c.Weight.Span.ToArray());
    }
}
