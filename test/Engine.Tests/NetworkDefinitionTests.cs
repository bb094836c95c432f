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
    public void BadLayerArgumentsAreRejectedWhenTheLayerIsAdded()
    {
        Assert.Equal("units", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Dense(0)).ParamName);
        Assert.Equal("kernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Conv2d(8, 0)).ParamName);
        Assert.Equal("padding", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Conv2d(8, 3, padding: -1)).ParamName);
        Assert.Equal("rate", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Dropout(1f)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().MaxPool2d(2, 0)).ParamName);
    }

    [Fact]
    public void TheLastLayerMustGiveTheOutputsTheTaskNeeds()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NetworkDefinition().Dense(8).Relu().Dense(5).Check([4], 3, "the label's 3 classes"));
        Assert.Equal("The network ends with output shape (5) (layer 3, Dense(5)); the label's 3 classes take (3): end it with Dense(3).", ex.Message);
        Assert.Throws<ArgumentException>(() => new NetworkDefinition().Conv2d(3, 1).Check([1, 2, 2], 3, "the label's 3 classes"));
    }
}
