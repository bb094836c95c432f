using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// User-defined networks: shapes and parameter counts inferred before building (checked against the built modules and the
/// built-in SmallCnn), the built network's output shape, and compositions that do not chain named by position and layer.
/// </summary>
public class NetworkDefinitionTests
{
    /// <summary>The built-in SmallCnn's layers, written with the builder.</summary>
    private static NetworkDefinition SmallCnnLike() => new NetworkDefinition()
        .Conv2d(32, 3, padding: 1).BatchNorm().Relu().MaxPool2d(2)
        .Conv2d(64, 3, padding: 1).BatchNorm().Relu().MaxPool2d(2)
        .Flatten().Dense(128).Relu().Dropout(0.5f).Dense(10);

    [Fact]
    public void SummaryGivesEveryShapeAndTheSameParameterCountAsTheBuiltInSmallCnn()
    {
        var summary = SmallCnnLike().Summarize(1, 28, 28);
        Assert.Equal(
            ["(1, 28, 28)", "(32, 28, 28)", "(32, 28, 28)", "(32, 28, 28)", "(32, 14, 14)", "(64, 14, 14)", "(64, 14, 14)", "(64, 14, 14)",
             "(64, 7, 7)", "(3136)", "(128)", "(128)", "(128)", "(10)"],
            summary.Layers.Select(l => $"({string.Join(", ", l.OutputShape)})"));
        Assert.Equal([0L, 320, 64, 0, 0, 18_496, 128, 0, 0, 0, 401_536, 0, 0, 1_290], summary.Layers.Select(l => l.Parameters));
        long builtIn = SmallCnn.Build(1, 10, new SmallCnnArchitecture { InputHeight = 28, InputWidth = 28 }, new Rng(1)).ParameterCount();
        Assert.Equal(builtIn, summary.TotalParameters);
        Assert.Equal(421_834, summary.TotalParameters);
        string table = summary.ToString();
        Assert.Contains("Conv2d(32, 3×3, stride 1, padding 1)", table);
        Assert.EndsWith("trainable parameters: 421,834", table);
    }

    [Fact]
    public void TheBuiltNetworkHasTheSummarisedOutputAndParameters()
    {
        var definition = new NetworkDefinition().Conv2d(4, 3, stride: 2).AvgPool2d(2).GlobalAveragePool().Dense(6).Tanh().Dense(3);
        var summary = definition.Summarize(2, 11, 9);
        var network = definition.Build([2, 11, 9], new Rng(3));
        Assert.Equal(summary.TotalParameters, network.ParameterCount());
        var y = network.Forward(new Tape { IsRecording = false }, Tensor.Zeros(5, 2, 11, 9));
        Assert.Equal([5, 3], y.Shape);
        Assert.Equal([4, 5, 4], summary.Layers[1].OutputShape);
        Assert.Equal([4, 2, 2], summary.Layers[2].OutputShape);
    }

    [Fact]
    public void BlocksHaveTheShapesAndParametersOfTheModulesTheyBuild()
    {
        var definition = new NetworkDefinition()
            .ResidualBlock(3)                         // (3, 9, 7): identity shortcut
            .ResidualBlock(5, stride: 2)              // (5, 5, 4): projection
            .BottleneckBlock(2)                       // (8, 5, 4): projection (5 → 2·4 channels)
            .BottleneckBlock(2)                       // (8, 5, 4): identity
            .BottleneckBlock(3, stride: 2, expansion: 1) // (3, 3, 2): projection
            .DenseBlock(2, growthRate: 4)             // (3 + 2·4 = 11, 3, 2)
            .Transition()                             // (⌊0.5·11⌋ = 5, 1, 1)
            .GlobalAveragePool().Dense(2, bias: false);
        var summary = definition.Summarize(3, 9, 7);
        Assert.Equal([[3, 9, 7], [5, 5, 4], [8, 5, 4], [8, 5, 4], [3, 3, 2], [11, 3, 2], [5, 1, 1], [5], [2]],
            summary.Layers.Skip(1).Select(l => l.OutputShape));
        // conv3×3 3→5 (135) + BN (10) + conv3×3 5→5 (225) + BN (10) + shortcut conv1×1 3→5 (15) + BN (10); Dense 5→2 without bias.
        Assert.Equal(405, summary.Layers[2].Parameters);
        Assert.Equal(10, summary.Layers[^1].Parameters);

        var network = definition.Build([3, 9, 7], new Rng(4));
        Assert.Equal(network.Children.Select(m => m.ParameterCount()), summary.Layers.Skip(1).Select(l => l.Parameters));
        Assert.Equal([false, true, true, false, true], network.Children.OfType<ResidualBlock>().Select(b => b.HasProjection));
        Assert.Equal([2, 2], network.Forward(new Tape { IsRecording = false }, Tensor.Zeros(2, 3, 9, 7)).Shape);
        var transition = Assert.Single(network.Children.OfType<TransitionLayer>());
        Assert.Equal((11, 5), (transition.InChannels, transition.OutChannels));
    }

    public static TheoryData<string, Func<NetworkDefinition>, int[], string> Broken => new()
    {
        { "dense on an image", () => new NetworkDefinition().Conv2d(8, 3).Dense(10), [1, 8, 8],
            "Layer 2 (Dense(10)) expects a vector (F) but gets (8, 6, 6): add Flatten() or GlobalAveragePool() before it." },
        { "convolution on a vector", () => new NetworkDefinition().Dense(16).Conv2d(8, 3), [20],
            "Layer 2 (Conv2d(8, 3×3, stride 1, padding 0)) expects an image (C, H, W) but gets (16): it works on images; use Dense for vectors." },
        { "pooling past the image", () => new NetworkDefinition().MaxPool2d(2).MaxPool2d(2).MaxPool2d(2), [1, 6, 6],
            "Layer 3 (MaxPool2d(2×2, stride 2)) expects an image of at least 2×2 but gets (1, 1, 1): pool less or remove a pooling layer." },
        { "kernel larger than the image", () => new NetworkDefinition().Conv2d(4, 5), [3, 4, 4],
            "Layer 1 (Conv2d(4, 5×5, stride 1, padding 0)) expects an image of at least 5×5 (with padding 0) but gets (3, 4, 4): lower the kernel size or pool less before it." },
        { "residual block on a vector", () => new NetworkDefinition().Dense(4).ResidualBlock(8), [5],
            "Layer 2 (ResidualBlock(8, stride 1)) expects an image (C, H, W) but gets (4): it works on images; use Dense for vectors." },
        { "transition past the image", () => new NetworkDefinition().DenseBlock(2, 3).Transition().Transition(), [4, 3, 3],
            "Layer 3 (Transition(compression 0.5)) expects an image of at least 2×2 but gets (5, 1, 1): it halves H and W; use fewer transitions or a larger image." },
        { "empty", () => new NetworkDefinition(), [4], "The network has no layers: add at least one (e.g. Dense(classes))." },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void CompositionsThatDoNotChainNameTheLayer(string _, Func<NetworkDefinition> network, int[] input, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => network().Summarize(input));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void ConcatenatedBranchesAddTheirChannelsAndParameters()
    {
        var inception = new NetworkDefinition()
            .Concatenate(
                new NetworkDefinition().Conv2d(4, 1),
                new NetworkDefinition().Conv2d(6, 3, padding: 1).Relu(),
                new NetworkDefinition().MaxPool2d(3, stride: 1).Conv2d(2, 1))
            .GlobalAveragePool().Dense(3);
        // The third branch loses 2 pixels on each axis: it cannot join the others.
        var ex = Assert.Throws<ArgumentException>(() => inception.Summarize(2, 8, 8));
        Assert.StartsWith("Layer 1 (Concatenate(", ex.Message);
        Assert.EndsWith("): branch 1 gives (4, 8, 8) and branch 3 (2, 6, 6); they must agree on every axis but the first (channels or features).", ex.Message);

        var fixedUp = new NetworkDefinition()
            .Concatenate(
                new NetworkDefinition().Conv2d(4, 1),
                new NetworkDefinition().Conv2d(6, 3, padding: 1).Relu(),
                new NetworkDefinition().AvgPool2d(1).Conv2d(2, 1))
            .GlobalAveragePool().Dense(3);
        var summary = fixedUp.Summarize(2, 8, 8);
        Assert.Equal([12, 8, 8], summary.Layers[1].OutputShape);
        Assert.Equal((2 * 4 + 4) + (2 * 6 * 9 + 6) + (2 * 2 + 2), summary.Layers[1].Parameters);
        var network = fixedUp.Build([2, 8, 8], new Rng(2));
        Assert.Equal(summary.TotalParameters, network.ParameterCount());
        Assert.Equal([3, 3], network.Forward(new Tape { IsRecording = false }, Tensor.Zeros(3, 2, 8, 8)).Shape);

        var vectors = new NetworkDefinition().Concatenate(new NetworkDefinition().Dense(4), new NetworkDefinition().Dense(6).Tanh()).Dense(2);
        Assert.Equal([10], vectors.Summarize(5).Layers[1].OutputShape);
    }

    [Fact]
    public void ABranchThatDoesNotFitIsNamed()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NetworkDefinition()
            .Concatenate(new NetworkDefinition().Dense(4), new NetworkDefinition().Conv2d(2, 1)).Summarize(5));
        Assert.EndsWith("): in branch 2, layer 1 (Conv2d(2, 1×1, stride 1, padding 0)) expects an image (C, H, W) but gets (5): it works on images; use Dense for vectors.", ex.Message);
        Assert.Throws<ArgumentException>(() => new NetworkDefinition().Concatenate(new NetworkDefinition().Dense(1)));
        Assert.Throws<ArgumentException>(() => new NetworkDefinition().Concatenate(new NetworkDefinition().Dense(1), new NetworkDefinition()));
    }

    [Fact]
    public void BadLayerArgumentsAreRejectedWhenTheLayerIsAdded()
    {
        Assert.Equal("units", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Dense(0)).ParamName);
        Assert.Equal("kernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Conv2d(8, 0)).ParamName);
        Assert.Equal("padding", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Conv2d(8, 3, padding: -1)).ParamName);
        Assert.Equal("rate", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Dropout(1f)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().MaxPool2d(2, 0)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().ResidualBlock(8, stride: 0)).ParamName);
        Assert.Equal("expansion", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().BottleneckBlock(8, expansion: 0)).ParamName);
        Assert.Equal("layers", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().DenseBlock(0, 12)).ParamName);
        Assert.Equal("compression", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Transition(0f)).ParamName);
        Assert.Equal("compression", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Transition(1.5f)).ParamName);
    }

    [Fact]
    public void TheLastLayerMustGiveTheOutputsTheTaskNeeds()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NetworkDefinition().Dense(8).Relu().Dense(5).Check([4], 3, "the label's 3 classes"));
        Assert.Equal("The network ends with output shape (5) (layer 3, Dense(5)); the label's 3 classes take (3): end it with Dense(3).", ex.Message);
        Assert.Throws<ArgumentException>(() => new NetworkDefinition().Conv2d(3, 1).Check([1, 2, 2], 3, "the label's 3 classes"));
    }
}
