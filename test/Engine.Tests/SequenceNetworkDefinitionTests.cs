using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Models.Custom;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// The sequence layers of <see cref="NetworkDefinition"/>: per example (T, F) sequences and (T) token ids; shapes and
/// parameter counts against the built modules and the built-in TextCNN, the (T, F) layout of the wrapped channels-first
/// engine layers, padding ignored by a recurrent layer right after the embedding, and errors naming the layer.
/// </summary>
public class SequenceNetworkDefinitionTests
{
    private static readonly Tape Inference = new() { IsRecording = false };

    [Fact]
    public void ATextCnnHasTheShapesAndParametersOfTheBuiltInOne()
    {
        // 20 embedding rows, pad id 19; T = 10 tokens.
        var definition = new NetworkDefinition().Embedding(8).Conv1d(6, 3).GlobalMaxPool1d().Relu().Dense(2);
        var summary = definition.SummarizeTokens(10, 20);
        Assert.Equal([[10], [10, 8], [8, 6], [6], [6], [2]], summary.Layers.Select(l => l.OutputShape));
        Assert.Equal([0L, 160, 8 * 6 * 3 + 6, 0, 0, 14], summary.Layers.Select(l => l.Parameters));
        long builtIn = TextCnn.Build(new TextCnnSpec(20, 19, 10, 8, [3], 6, 0f, 2), new Rng(1)).ParameterCount();
        Assert.Equal(builtIn, summary.TotalParameters);

        var network = definition.Build([10], new Rng(1), new TokenInput(20, 19));
        // One Permute to channels-first, then Conv1d directly followed by GlobalMaxPool: Sequential fuses them (sparse backward).
        Assert.Equal([typeof(Embedding), typeof(Permute), typeof(Layers.Conv1d), typeof(GlobalMaxPool), typeof(Activation), typeof(Linear)],
            network.Children.Select(m => m.GetType()));
        Assert.Equal(summary.Layers.Skip(1).Select(l => l.Parameters), network.Children.Where(m => m is not Permute).Select(m => m.ParameterCount()));
        var embedding = Assert.IsType<Embedding>(network.Children[0]);
        Assert.Equal(19, embedding.PaddingIndex);
        var ids = Tensor.FromArray([.. Enumerable.Range(0, 30).Select(i => (float)(i % 20))], 3, 10);
        Assert.Equal([3, 2], network.Forward(Inference, ids).Shape);
    }

    [Fact]
    public void NumericSequenceLayersChainOnTimeFirstShapes()
    {
        var definition = new NetworkDefinition().Conv1d(4, 3, stride: 2, padding: 1).Relu().MaxPool1d(2).GlobalAveragePool1d().Dense(1);
        var summary = definition.Summarize(9, 2);
        // T' = ⌊(9 + 2 − 3) / 2⌋ + 1 = 5; pooling by 2 → 2 steps.
        Assert.Equal([[9, 2], [5, 4], [5, 4], [2, 4], [4], [1]], summary.Layers.Select(l => l.OutputShape));
        var network = definition.Build([9, 2], new Rng(2));
        // The run of 1-D layers stays channels-first through the ReLU: one Permute, none between the layers.
        Assert.Equal([typeof(Permute), typeof(Layers.Conv1d), typeof(Activation), typeof(Layers.MaxPool1d), typeof(GlobalAvgPool), typeof(Linear)],
            network.Children.Select(m => m.GetType()));
        Assert.Equal(summary.Layers.Skip(1).Select(l => l.Parameters), network.Children.Where(m => m is not Permute).Select(m => m.ParameterCount()));
        Assert.Equal(2 * 4 * 3 + 4 + 5, summary.TotalParameters);
        Assert.Equal([7, 1], network.Forward(Inference, Tensor.Zeros(7, 9, 2)).Shape);
    }

    [Fact]
    public void PoolingWorksOverTimeForEachFeature()
    {
        // One example of T = 4 steps, F = 2 features: feature 0 is 1, 3, 2, 0 and feature 1 is 5, 6, 8, 1.
        var x = Tensor.FromArray([1, 5, 3, 6, 2, 8, 0, 1], 1, 4, 2);
        // Windows of 2 steps, stride 1: (3, 6), (3, 8), (2, 8).
        Assert.Equal([3f, 6f, 3f, 8f, 2f, 8f], new NetworkDefinition().MaxPool1d(2, stride: 1).Build([4, 2], new Rng(0)).Forward(Inference, x).Span.ToArray());
        Assert.Equal([3f, 8f], new NetworkDefinition().GlobalMaxPool1d().Build([4, 2], new Rng(0)).Forward(Inference, x).Span.ToArray());
        Assert.Equal([1.5f, 5f], new NetworkDefinition().GlobalAveragePool1d().Build([4, 2], new Rng(0)).Forward(Inference, x).Span.ToArray());
    }

    [Fact]
    public void AConvolutionOverTimeSumsItsWindowOfEveryFeature()
    {
        var network = new NetworkDefinition().Conv1d(1, 2).Build([3, 2], new Rng(0));
        // (B, T, F) → (B, F, T) → Conv1d → back to time-first at the end.
        Assert.Equal([typeof(Permute), typeof(Layers.Conv1d), typeof(Permute)], network.Children.Select(m => m.GetType()));
        var conv = network.Children.OfType<Layers.Conv1d>().Single();
        conv.Weight.Span.Fill(1f);
        conv.Bias!.Span.Clear();
        // Steps (1, 10), (2, 20), (3, 30): windows sum to 33 and 55.
        var y = network.Forward(Inference, Tensor.FromArray([1, 10, 2, 20, 3, 30], 1, 3, 2));
        Assert.Equal([1, 2, 1], y.Shape);
        Assert.Equal([33f, 55f], y.Span.ToArray());
    }

    [Fact]
    public void RecurrentLayersCountTheParametersTheyBuildAndEndWithTheLastStep()
    {
        var definition = new NetworkDefinition().Gru(4, returnSequences: true, layers: 2).Lstm(5, bidirectional: true, returnSequences: true).Rnn(3).Dense(2);
        var summary = definition.Summarize(6, 3);
        Assert.Equal([[6, 3], [6, 4], [6, 10], [3], [2]], summary.Layers.Select(l => l.OutputShape));
        Assert.Equal(new Rnn(10, 3, new Rng(0)).ParameterCount(), summary.Layers[3].Parameters); // W 3·10, R 3·3, biases 2·3 = 45
        // LSTM: 2 directions · (4·5·4 inputs + 4·5·5 recurrent + 2·4·5 biases) = 2 · 220.
        Assert.Equal(440, summary.Layers[2].Parameters);
        Assert.Equal("Gru(4, 2 layers, sequences)", summary.Layers[1].Name);
        var network = new NetworkDefinition().Gru(4, returnSequences: true, layers: 2).Lstm(5, bidirectional: true).Dense(2).Build([6, 3], new Rng(3));
        Assert.Equal([new Gru(3, 4, new Rng(0), 2).ParameterCount(), 440, 22], network.Children.Select(m => m.ParameterCount()));

        // Same seed, same weights: the final state is the last step of the sequence output.
        var x = Tensor.FromArray([.. Enumerable.Range(0, 2 * 6 * 3).Select(i => MathF.Sin(i))], 2, 6, 3);
        var final = new NetworkDefinition().Lstm(4).Build([6, 3], new Rng(7)).Forward(Inference, x);
        var steps = new NetworkDefinition().Lstm(4, returnSequences: true).Build([6, 3], new Rng(7)).Forward(Inference, x);
        Assert.Equal([2, 4], final.Shape);
        Assert.Equal([2, 6, 4], steps.Shape);
        for (int b = 0; b < 2; b++)
            for (int h = 0; h < 4; h++)
                Assert.Equal(steps.Span[b * 24 + 5 * 4 + h], final.Span[b * 4 + h], 5);
    }

    [Fact]
    public void ARecurrentLayerRightAfterTheEmbeddingStopsAtThePadding()
    {
        var definition = new NetworkDefinition().Embedding(4).Lstm(3).Dense(2);
        var tokens = new TokenInput(10, 9);
        Assert.Equal(10 * 4 + 4 * 12 + 3 * 12 + 24 + 8, definition.SummarizeTokens(6, 10).TotalParameters);
        var padded = definition.Build([6], new Rng(5), tokens);
        Assert.IsType<TextRecurrentEncoder>(padded.Children[0]);
        Assert.Equal(definition.SummarizeTokens(6, 10).TotalParameters, padded.ParameterCount());
        var shorter = definition.Build([3], new Rng(5), tokens);
        var a = padded.Forward(Inference, Tensor.FromArray([1, 2, 3, 9, 9, 9], 1, 6));
        var b = shorter.Forward(Inference, Tensor.FromArray([1, 2, 3], 1, 3));
        Assert.Equal(b.Span.ToArray(), a.Span.ToArray());
    }

    public static TheoryData<string, Func<NetworkDefinition>, int[], string> Broken => new()
    {
        { "dense on a sequence", () => new NetworkDefinition().Dense(2), [5, 3],
            "Layer 1 (Dense(2)) expects a vector (F) but gets (5, 3): add a recurrent layer without returnSequences, GlobalMaxPool1d() or Flatten() before it." },
        { "conv1d on an image", () => new NetworkDefinition().Conv1d(4, 3), [1, 8, 8],
            "Layer 1 (Conv1d(4, 3, stride 1, padding 0)) expects a sequence (T, F) but gets (1, 8, 8): it works on sequences; use the 2-D layers for images." },
        { "kernel longer than the sequence", () => new NetworkDefinition().MaxPool1d(2).Conv1d(4, 3), [5, 3],
            "Layer 2 (Conv1d(4, 3, stride 1, padding 0)) expects a sequence of at least 3 steps (with padding 0) but gets (2, 3): lower the kernel size, pad, or pool less before it." },
        { "lstm on a vector", () => new NetworkDefinition().Lstm(8), [7],
            "Layer 1 (Lstm(8)) expects a sequence (T, F) but gets (7): token ids need Embedding first; a vector has no time axis." },
        { "lstm after the final state", () => new NetworkDefinition().Gru(8).Lstm(8), [7, 2],
            "Layer 2 (Lstm(8)) expects a sequence (T, F) but gets (8): token ids need Embedding first; a vector has no time axis." },
        { "conv2d on a sequence", () => new NetworkDefinition().Conv2d(4, 3), [5, 3],
            "Layer 1 (Conv2d(4, 3×3, stride 1, padding 0)) expects an image (C, H, W) but gets (5, 3): it works on images; use Conv1d, MaxPool1d or GlobalMaxPool1d for sequences (T, F)." },
        { "batch norm on a sequence", () => new NetworkDefinition().Conv1d(4, 3).BatchNorm(), [5, 3],
            "Layer 2 (BatchNorm) expects a vector (F) or an image (C, H, W) but gets (3, 4): batch normalisation of sequences is not supported." },
        { "embedding without a text trainer", () => new NetworkDefinition().Embedding(8).GlobalMaxPool1d(), [5],
            "Layer 1 (Embedding(8)) reads token ids, which only a text trainer gives (TextClassifier's CustomNetwork); summarize it with SummarizeTokens(length, vocabularySize)." },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void CompositionsThatDoNotChainNameTheLayer(string _, Func<NetworkDefinition> network, int[] input, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => network().Summarize(input));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void BranchesOverASequenceJoinAsVectors()
    {
        // TextCNN with kernel widths 2 and 3: each branch (T, E) → (T', 4) → (4); joined (8).
        var textCnn = new NetworkDefinition().Embedding(5).Concatenate(
            new NetworkDefinition().Conv1d(4, 2).GlobalMaxPool1d(),
            new NetworkDefinition().Conv1d(4, 3).GlobalMaxPool1d()).Relu().Dense(2);
        var summary = textCnn.SummarizeTokens(7, 12);
        Assert.Equal([8], summary.Layers[2].OutputShape);
        var network = textCnn.Build([7], new Rng(1), new TokenInput(12, 11));
        Assert.Equal(summary.TotalParameters, network.ParameterCount());
        Assert.Equal([2, 2], network.Forward(Inference, Tensor.Zeros(2, 7)).Shape);

        var ex = Assert.Throws<ArgumentException>(() => new NetworkDefinition()
            .Concatenate(new NetworkDefinition().Conv1d(4, 1), new NetworkDefinition().Conv1d(4, 1)).Summarize(6, 3));
        Assert.EndsWith("): branch 1 gives the sequence (6, 4); Concatenate joins vectors or images: end each branch with GlobalMaxPool1d(), GlobalAveragePool1d() or a recurrent layer without returnSequences.", ex.Message);
    }

    [Fact]
    public void ATextNetworkStartsWithItsOnlyEmbedding()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NetworkDefinition().Dense(2).SummarizeTokens(5, 10));
        Assert.Equal("Layer 1 (Dense(2)) gets token ids (5): start a text network with Embedding(dimensions).", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new NetworkDefinition().Embedding(4).Embedding(4).SummarizeTokens(5, 10));
        Assert.Equal("Layer 2 (Embedding(4)) must be the first layer: it reads the token ids of a text.", ex.Message);
        Assert.Equal("vocabularySize", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Embedding(4).SummarizeTokens(5, 1)).ParamName);
    }

    [Fact]
    public void BadSequenceLayerArgumentsAreRejectedWhenTheLayerIsAdded()
    {
        Assert.Equal("dimensions", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Embedding(0)).ParamName);
        Assert.Equal("kernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Conv1d(4, 0)).ParamName);
        Assert.Equal("padding", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Conv1d(4, 3, padding: -1)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().MaxPool1d(2, 0)).ParamName);
        Assert.Equal("hidden", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Lstm(0)).ParamName);
        Assert.Equal("layers", Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkDefinition().Gru(4, layers: 0)).ParamName);
    }
}
