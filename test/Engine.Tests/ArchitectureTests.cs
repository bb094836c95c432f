using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// The ready-made image architectures (SmallCnn, ResNet, DenseNet): the anchor benchmark's parameter counts, output shapes,
/// determinism for a seed, and one training step lowering the loss on a tiny batch.
/// </summary>
public class ArchitectureTests
{
    private static Tensor Randn(Rng rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t.Span[i] = (float)rng.NextGaussian();
        return t;
    }

    private static int[] Shape(Module m, params int[] input) => m.Forward(new Tape { IsRecording = false }, Randn(new Rng(1), input)).Shape;

    [Fact]
    public void SmallCnnIsTheAnchorLenet()
    {
        var net = SmallCnn.Build(1, 10, new SmallCnnArchitecture(), new Rng(1));
        Assert.Equal(421_834, net.ParameterCount());
        Assert.Equal([3, 10], Shape(net, 3, 1, 28, 28));
        Assert.Contains(net.Children, m => m is Dropout { Probability: 0.5f });
        Assert.Throws<ArgumentException>(() => Shape(net, 3, 1, 20, 20)); // Flatten fixes the input size
    }

    [Fact]
    public void SmallCnnWithSpatialPyramidTakesAnyInputSize()
    {
        var net = SmallCnn.Build(3, 4, new SmallCnnArchitecture { SpatialPyramidLevels = [1, 2, 4] }, new Rng(2));
        Assert.Contains(net.Children, m => m is Linear { InFeatures: 64 * 21 });
        Assert.Equal(320 * 3 - 32 * 2 + 64 + 18_496 + 128 + (64 * 21 * 128 + 128) + (128 * 4 + 4), net.ParameterCount());
        Assert.Equal([2, 4], Shape(net, 2, 3, 28, 28));
        Assert.Equal([2, 4], Shape(net, 2, 3, 17, 23));
        Assert.Equal([1, 4], Shape(net, 1, 3, 4, 4));
    }

    [Fact]
    public void ResNetDefaultsAreTheAnchorResNetSmall()
    {
        var net = ResNet.Build(3, 10, new ResNetArchitecture(), new Rng(3));
        Assert.Equal(175_258, net.ParameterCount());
        var blocks = net.Children.OfType<ResNetBasicBlock>().ToArray();
        Assert.Equal([1, 1, 2, 1, 2, 1], blocks.Select(b => b.Stride));
        Assert.Equal([false, false, true, false, true, false], blocks.Select(b => b.HasProjection));
        Assert.Equal([2, 10], Shape(net, 2, 3, 32, 32));
        Assert.Equal([2, 10], Shape(net, 2, 3, 5, 7));
    }

    [Fact]
    public void ResNetWithBottlenecks()
    {
        var arch = new ResNetArchitecture { StemChannels = 8, StageChannels = [4, 8], BlocksPerStage = [2, 1], Block = ResNetBlockKind.Bottleneck };
        var net = ResNet.Build(3, 5, arch, new Rng(4));
        var blocks = net.Children.OfType<ResNetBottleneckBlock>().ToArray();
        Assert.Equal([16, 16, 32], blocks.Select(b => b.OutChannels));
        Assert.Equal([true, false, true], blocks.Select(b => b.HasProjection));
        Assert.Contains(net.Children, m => m is Linear { InFeatures: 32 });
        Assert.Equal([2, 5], Shape(net, 2, 3, 8, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResNet.Build(3, 5, arch with { BlocksPerStage = [2] }, new Rng(4)));
    }

    [Fact]
    public void DenseNetChannelBookkeeping()
    {
        var net = DenseNet.Build(3, 7, new DenseNetArchitecture(), new Rng(5));
        var dense = net.Children.OfType<DenseBlock>().ToArray();
        var transitions = net.Children.OfType<TransitionLayer>().ToArray();
        Assert.Equal([24, 36, 42], dense.Select(b => b.InChannels)); // 24 + 48 = 72 → 36; 36 + 48 = 84 → 42
        Assert.Equal([72, 84, 90], dense.Select(b => b.OutChannels));
        Assert.Equal([36, 42], transitions.Select(t => t.OutChannels));
        Assert.Contains(net.Children, m => m is Linear { InFeatures: 90, OutFeatures: 7 });
        Assert.Equal([2, 7], Shape(net, 2, 3, 8, 8));
    }

    [Fact]
    public void BuildersAreDeterministicForASeed()
    {
        Func<Rng, Module>[] builders =
        [
            rng => SmallCnn.Build(1, 10, new SmallCnnArchitecture(), rng),
            rng => ResNet.Build(3, 10, new ResNetArchitecture(), rng),
            rng => DenseNet.Build(3, 10, new DenseNetArchitecture(), rng),
        ];
        foreach (var build in builders)
        {
            float[] a = build(new Rng(9)).State().SelectMany(t => t.Span.ToArray()).ToArray();
            float[] b = build(new Rng(9)).State().SelectMany(t => t.Span.ToArray()).ToArray();
            float[] c = build(new Rng(10)).State().SelectMany(t => t.Span.ToArray()).ToArray();
            Assert.Equal(a, b);
            Assert.NotEqual(a, c);
        }
    }

    public static TheoryData<string> Architectures => ["lenet", "lenet-spp", "resnet-small", "resnet-bottleneck", "densenet"];

    internal static (Module net, int[] inputShape) Build(string name, Rng rng) => name switch
    {
        "lenet" => (SmallCnn.Build(1, 10, new SmallCnnArchitecture(), rng), [1, 28, 28]),
        "lenet-spp" => (SmallCnn.Build(2, 3, new SmallCnnArchitecture { Conv1Channels = 8, Conv2Channels = 16, HiddenUnits = 32, SpatialPyramidLevels = [1, 2, 4] }, rng), [2, 11, 13]),
        "resnet-small" => (ResNet.Build(3, 10, new ResNetArchitecture(), rng), [3, 8, 8]),
        "resnet-bottleneck" => (ResNet.Build(3, 4, new ResNetArchitecture { StemChannels = 8, StageChannels = [4, 8], BlocksPerStage = [1, 2], Block = ResNetBlockKind.Bottleneck }, rng), [3, 8, 8]),
        "densenet" => (DenseNet.Build(3, 5, new DenseNetArchitecture { GrowthRate = 6, StemChannels = 12, LayersPerBlock = [3, 3] }, rng), [3, 8, 8]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown architecture."),
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void OneTrainingStepLowersTheLoss(string name)
    {
        var rng = new Rng(21);
        (var net, int[] inputShape) = Build(name, rng);
        // Dropout would draw a different mask for the second loss; with it active the comparison measures noise, not the step.
        foreach (var dropout in net.Children.OfType<Dropout>()) dropout.SetTraining(false);
        int batch = 6;
        var x = Randn(rng, [batch, .. inputShape]);
        int classes = net.Forward(new Tape { IsRecording = false }, x).Shape[1];
        int[] labels = Enumerable.Range(0, batch).Select(i => i % classes).ToArray();
        var sgd = new Sgd(net.Parameters(), 0.01f);
        var tape = new Tape();
        var loss = Ops.SoftmaxCrossEntropy(tape, net.Forward(tape, x), labels);
        float before = loss.Span[0];
        tape.Backward(loss);
        sgd.Step();
        tape.Reset();
        // Training mode again (batch statistics), so the same objective is measured after the step.
        float after = Ops.SoftmaxCrossEntropy(tape, net.Forward(new Tape { IsRecording = false }, x), labels).Span[0];
        Assert.True(after < before, $"{name}: loss {before} → {after}");
    }
}
