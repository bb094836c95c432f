using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// Engine inference vs ONNX Runtime for the residual and dense blocks and the ready-made image architectures, two batch
/// sizes each, ORT optimisations off and on (through <see cref="ConvExportParityTests.AssertParity"/>). Before export every
/// BatchNorm gets random γ, β and its running statistics are moved off their initial (0, 1) by training-mode forwards,
/// so the exported BatchNormalization nodes really normalise; parity itself runs in eval mode.
/// </summary>
public class BlockExportParityTests
{
    private static IEnumerable<Module> Descendants(Module m) => m.Children.SelectMany(Descendants).Prepend(m);

    /// <summary>Random γ ∈ [0.5, 1.5], β ∈ [−0.5, 0.5], then three training-mode forwards on shifted, scaled inputs of <paramref name="shape"/>.</summary>
    private static T Warm<T>(T module, int seed, params int[] shape) where T : Module
    {
        var rng = new Rng(seed);
        foreach (var bn in Descendants(module).OfType<BatchNorm>())
            for (int c = 0; c < bn.Channels; c++)
            {
                bn.Gamma.Span[c] = rng.Uniform(0.5f, 1.5f);
                bn.Beta.Span[c] = rng.Uniform(-0.5f, 0.5f);
            }
        module.SetTraining(true);
        for (int pass = 0; pass < 3; pass++)
        {
            var x = Tensor.Zeros(shape);
            for (int i = 0; i < x.Length; i++) x.Span[i] = 2f * (float)rng.NextGaussian() + 0.5f;
            module.Forward(new Tape { IsRecording = false }, x);
        }
        var moved = Descendants(module).OfType<BatchNorm>().ToArray();
        Assert.NotEmpty(moved);
        Assert.All(moved, bn => Assert.NotEqual(1f, bn.RunningVar.Span[0]));
        return module;
    }

    private static int[][] Batches(params int[] rest) => [[1, .. rest], [4, .. rest]];

    [Fact]
    public void ResNetBasicBlockIdentity() =>
        ConvExportParityTests.AssertParity(Warm(new ResNetBasicBlock(3, 3, 1, new Rng(1)), 11, 6, 3, 6, 6), ["N", 3, 6, 6], Batches(3, 6, 6));

    [Fact]
    public void ResNetBasicBlockProjectionStride2() =>
        ConvExportParityTests.AssertParity(Warm(new ResNetBasicBlock(3, 5, 2, new Rng(2)), 12, 6, 3, 7, 7), ["N", 3, 7, 7], Batches(3, 7, 7));

    [Fact]
    public void ResNetBottleneckBlockIdentity() =>
        ConvExportParityTests.AssertParity(Warm(new ResNetBottleneckBlock(8, 2, 1, new Rng(3)), 13, 6, 8, 5, 5), ["N", 8, 5, 5], Batches(8, 5, 5));

    [Fact]
    public void ResNetBottleneckBlockProjectionStride2() =>
        ConvExportParityTests.AssertParity(Warm(new ResNetBottleneckBlock(3, 2, 2, new Rng(4), expansion: 3), 14, 6, 3, 6, 6), ["N", 3, 6, 6], Batches(3, 6, 6));

    [Fact]
    public void DenseNetLayerAndTransitionLayer()
    {
        ConvExportParityTests.AssertParity(Warm(new DenseNetLayer(3, 4, new Rng(5)), 15, 6, 3, 5, 5), ["N", 3, 5, 5], Batches(3, 5, 5));
        ConvExportParityTests.AssertParity(Warm(new TransitionLayer(6, 3, new Rng(6)), 16, 6, 6, 5, 7), ["N", 6, 5, 7], Batches(6, 5, 7));
    }

    [Fact]
    public void DenseBlockConcatenatesLikeTheEngine() =>
        ConvExportParityTests.AssertParity(Warm(new DenseBlock(3, 3, 2, new Rng(7)), 17, 6, 3, 5, 5), ["N", 3, 5, 5], Batches(3, 5, 5));

    [Fact]
    public void SmallCnnLenet() =>
        ConvExportParityTests.AssertParity(Warm(SmallCnn.Build(1, 10, new SmallCnnArchitecture(), new Rng(8)), 18, 4, 1, 28, 28),
            ["N", 1, 28, 28], Batches(1, 28, 28));

    [Fact]
    public void SmallCnnWithSpatialPyramidOneModelForTwoInputSizes() =>
        // Symbolic H and W: the same exported model at 28×28 and 19×23.
        ConvExportParityTests.AssertParity(
            Warm(SmallCnn.Build(2, 5, new SmallCnnArchitecture { Conv1Channels = 8, Conv2Channels = 16, HiddenUnits = 32, SpatialPyramidLevels = [1, 2, 4] }, new Rng(9)), 19, 4, 2, 16, 16),
            ["N", 2, "H", "W"], [[1, 2, 28, 28], [4, 2, 19, 23]]);

    [Fact]
    public void ResNetSmall() =>
        ConvExportParityTests.AssertParity(Warm(ResNet.Build(3, 10, new ResNetArchitecture(), new Rng(10)), 20, 4, 3, 8, 8),
            ["N", 3, 8, 8], Batches(3, 8, 8));

    [Fact]
    public void ResNetWithBottlenecks() =>
        ConvExportParityTests.AssertParity(
            Warm(ResNet.Build(3, 4, new ResNetArchitecture { StemChannels = 8, StageChannels = [4, 8], BlocksPerStage = [1, 2], Block = ResNetBlockKind.Bottleneck }, new Rng(11)), 21, 4, 3, 8, 8),
            ["N", 3, 8, 8], Batches(3, 8, 8));

    [Fact]
    public void DenseNetDefaults() =>
        ConvExportParityTests.AssertParity(Warm(DenseNet.Build(3, 10, new DenseNetArchitecture(), new Rng(12)), 22, 4, 3, 8, 8),
            ["N", 3, 8, 8], Batches(3, 8, 8));
}
