using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Models.Custom;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// The built-in architectures are <see cref="NetworkPresets"/> of the public builder: for a seed they build the same
/// modules, in the same order, with bit-identical weights, BatchNorm statistics, generator use and outputs as the former
/// hand-written builders (kept verbatim in <see cref="LegacyBuilders"/>), and their summaries count the built parameters.
/// </summary>
public class PresetTests
{
    private sealed record Case(Func<Rng, Module> Legacy, Func<Rng, Module> Preset, NetworkDefinition Definition, int[] InputShape)
    {
        /// <summary>Embedding rows of a text network, whose input is (T) token ids with pad id Rows − 1; null for real values.</summary>
        public int? Rows { get; init; }

        /// <summary>The network reads each row flat, (B, Π InputShape), as the numeric-sequence trainers give it.</summary>
        public bool FlatRows { get; init; }
    }

    // Text cases: 12 embedding rows (unknown id 0, pad id 11), texts of 7 tokens.
    private const int Rows = 12, PadId = Rows - 1, Length = 7;

    private static Case Mlp(MlpArchitecture a) =>
        new(rng => LegacyBuilders.Mlp(a, rng), rng => Models.Mlp.Build(a, rng), NetworkPresets.Mlp(a), [a.Inputs]);

    private static Case SmallCnn(int c, int k, SmallCnnArchitecture a, int h, int w) =>
        new(rng => LegacyBuilders.SmallCnn(c, k, a, rng), rng => Models.SmallCnn.Build(c, k, a, rng), NetworkPresets.SmallCnn(k, a), [c, h, w]);

    private static Case ResNet(int c, int k, ResNetArchitecture a, int size) =>
        new(rng => LegacyBuilders.ResNet(c, k, a, rng), rng => Models.ResNet.Build(c, k, a, rng), NetworkPresets.ResNet(k, a), [c, size, size]);

    private static Case DenseNet(int c, int k, DenseNetArchitecture a, int size) =>
        new(rng => LegacyBuilders.DenseNet(c, k, a, rng), rng => Models.DenseNet.Build(c, k, a, rng), NetworkPresets.DenseNet(k, a), [c, size, size]);

    private static Case TextCnn(int[] kernels, float dropout, float tokenDropout = 0f)
    {
        var spec = new TextCnnSpec(Rows, PadId, Length, 5, kernels, 4, dropout, 3, tokenDropout, UnknownId: 0, EmbeddingInitStd: 0.05f);
        return new(rng => LegacyBuilders.TextCnn(spec, rng), rng => Models.TextCnn.Build(spec, rng), NetworkPresets.TextCnn(spec), [Length]) { Rows = Rows };
    }

    // As TextTask builds it: the preset, then word dropout first.
    private static Case TextRecurrent(LegacyRecurrentArchitecture r, float tokenDropout = 0f) =>
        new(rng => LegacyBuilders.TextRecurrent(new LegacyTextOptions(5, tokenDropout, r), PadId, 3, rng),
            rng => TokenDropout.Before(NetworkPresets.TextRecurrent(5, r.Stack, 3).Build([Length], rng, new TokenInput(Rows, PadId)), tokenDropout, 0, PadId, rng),
            NetworkPresets.TextRecurrent(5, r.Stack, 3), [Length]) { Rows = Rows };

    // As NumericSequenceTask builds it: 6 steps of 2 values, given flat.
    private static Case NumericSequence(LegacyRecurrentArchitecture r, int outputs) =>
        new(rng => LegacyBuilders.NumericSequence(r, 2, 12, outputs, rng),
            rng => NetworkPresets.NumericSequence(r.Stack, outputs).BuildFromFlatRows([6, 2], rng),
            NetworkPresets.NumericSequence(r.Stack, outputs), [6, 2]) { FlatRows = true };

    private static Case Get(string name) => name switch
    {
        "mlp-relu" => Mlp(new MlpArchitecture(5, [7, 4], 3)),
        "mlp-leaky-batchnorm-dropout" => Mlp(new MlpArchitecture(6, [8, 5], 3, ActivationKind.LeakyRelu, 0.1f, DropoutRate: 0.3f, BatchNorm: true)),
        "mlp-tanh" => Mlp(new MlpArchitecture(4, [6], 1, ActivationKind.Tanh)),
        "mlp-sigmoid-batchnorm" => Mlp(new MlpArchitecture(4, [6, 3], 2, ActivationKind.Sigmoid, BatchNorm: true)),
        "mlp-no-hidden" => Mlp(new MlpArchitecture(4, [], 3)),
        "lenet" => SmallCnn(1, 10, new SmallCnnArchitecture(), 28, 28),
        "smallcnn-odd-size-no-dropout" => SmallCnn(3, 4, new SmallCnnArchitecture { Conv1Channels = 4, Conv2Channels = 6, HiddenUnits = 8, DropoutRate = 0f, InputHeight = 9, InputWidth = 13 }, 9, 13),
        "smallcnn-pyramid" => SmallCnn(2, 3, new SmallCnnArchitecture { Conv1Channels = 8, Conv2Channels = 16, HiddenUnits = 32, SpatialPyramidLevels = [1, 2, 4] }, 11, 13),
        "resnet-small" => ResNet(3, 10, new ResNetArchitecture(), 8),
        "resnet-bottleneck" => ResNet(3, 4, new ResNetArchitecture { StemChannels = 8, StageChannels = [4, 8], BlocksPerStage = [1, 2], Block = ResNetBlockKind.Bottleneck, BottleneckExpansion = 2 }, 7),
        "densenet-small" => DenseNet(3, 5, new DenseNetArchitecture { GrowthRate = 6, StemChannels = 12, LayersPerBlock = [3, 3] }, 8),
        "densenet-three-blocks" => DenseNet(1, 4, new DenseNetArchitecture { GrowthRate = 5, StemChannels = 7, LayersPerBlock = [2, 1, 2], Compression = 0.7f }, 9),
        "textcnn-one-width" => TextCnn([3], 0f),
        "textcnn-three-widths-dropout" => TextCnn([2, 3, 4], 0.5f),
        "textcnn-token-dropout" => TextCnn([2, 5, 7], 0.3f, tokenDropout: 0.2f),
        "text-lstm" => TextRecurrent(new(RecurrentCellKind.Lstm, 4, 1, false, 0f)),
        "text-gru-bidirectional-two-layers-dropout" => TextRecurrent(new(RecurrentCellKind.Gru, 3, 2, true, 0.3f), tokenDropout: 0.25f),
        "text-rnn-bidirectional" => TextRecurrent(new(RecurrentCellKind.Rnn, 4, 1, true, 0f)),
        "text-lstm-two-layers-dropout" => TextRecurrent(new(RecurrentCellKind.Lstm, 3, 2, false, 0.4f)),
        "sequence-gru" => NumericSequence(new(RecurrentCellKind.Gru, 4, 1, false, 0f), 1),
        "sequence-lstm-bidirectional-stacked-dropout" => NumericSequence(new(RecurrentCellKind.Lstm, 3, 2, true, 0.3f), 3),
        "sequence-gru-stacked" => NumericSequence(new(RecurrentCellKind.Gru, 3, 3, false, 0f), 2),
        "sequence-rnn-bidirectional-dropout" => NumericSequence(new(RecurrentCellKind.Rnn, 4, 1, true, 0.2f), 2),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown case."),
    };

    public static TheoryData<string> Cases =>
    [
        "mlp-relu", "mlp-leaky-batchnorm-dropout", "mlp-tanh", "mlp-sigmoid-batchnorm", "mlp-no-hidden",
        "lenet", "smallcnn-odd-size-no-dropout", "smallcnn-pyramid", "resnet-small", "resnet-bottleneck", "densenet-small", "densenet-three-blocks",
        "textcnn-one-width", "textcnn-three-widths-dropout", "textcnn-token-dropout",
        "text-lstm", "text-gru-bidirectional-two-layers-dropout", "text-rnn-bidirectional", "text-lstm-two-layers-dropout",
        "sequence-gru", "sequence-lstm-bidirectional-stacked-dropout", "sequence-gru-stacked", "sequence-rnn-bidirectional-dropout",
    ];

    /// <summary>Every module of the tree, depth first, as "Type" (the order weights are drawn and State() lists tensors).</summary>
    private static IEnumerable<string> Tree(Module m) => [m.GetType().Name, .. m.Children.SelectMany(Tree)];

    /// <summary>
    /// Three examples: Gaussian values, flat when the network reads flat rows; or token ids in [0, Rows), example b
    /// ending in b pad ids (a recurrent layer stops there, and token dropout never replaces them).
    /// </summary>
    private static Tensor Input(Case c, int seed)
    {
        var rng = new Rng(seed);
        var x = Tensor.Zeros(c.FlatRows ? [3, c.InputShape.Aggregate(1, (a, d) => a * d)] : [3, .. c.InputShape]);
        for (int i = 0; i < x.Length; i++) x.Span[i] = c.Rows is { } rows ? rng.NextUInt32() % (uint)rows : (float)rng.NextGaussian();
        if (c.Rows is not null)
            for (int b = 0; b < 3; b++)
                x.Span.Slice(b * c.InputShape[0] + c.InputShape[0] - b, b).Fill(PadId);
        return x;
    }

    /// <summary>The modules that stand for the summary's layers: without the builder's Permutes and the trainer's word
    /// dropout, a text encoder counted as its embedding and its recurrent layer.</summary>
    private static IEnumerable<Module> LayerModules(Module network) => network.Children
        .Where(m => m is not (Permute or TokenDropout))
        .SelectMany(m => m is TextRecurrentEncoder ? m.Children : [m]);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ThePresetBuildsTheFormerNetworkBitForBit(string name)
    {
        var c = Get(name);
        Rng legacyRng = new(17), presetRng = new(17);
        var legacy = c.Legacy(legacyRng);
        var preset = c.Preset(presetRng);

        Assert.Equal(Tree(legacy), Tree(preset));
        var legacyState = legacy.State().ToArray();
        var presetState = preset.State().ToArray();
        Assert.Equal(legacyState.Length, presetState.Length);
        for (int i = 0; i < legacyState.Length; i++)
        {
            Assert.Equal(legacyState[i].Shape, presetState[i].Shape);
            Assert.True(legacyState[i].Span.SequenceEqual(presetState[i].Span), $"{name}: state tensor {i} differs");
        }
        // The builders drew as many numbers: the next draws agree (Dropout keeps this generator for its masks).
        Assert.Equal(Enumerable.Range(0, 4).Select(_ => legacyRng.NextUInt32()), Enumerable.Range(0, 4).Select(_ => presetRng.NextUInt32()));

        // Outputs agree in training mode (BatchNorm batch statistics, dropout masks from the generators) and at inference.
        var x = Input(c, 5);
        foreach (bool training in new[] { true, false })
        {
            legacy.SetTraining(training);
            preset.SetTraining(training);
            var expected = legacy.Forward(new Tape { IsRecording = false }, x);
            var actual = preset.Forward(new Tape { IsRecording = false }, x);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.True(expected.Span.SequenceEqual(actual.Span), $"{name}: outputs differ (training: {training})");
        }
    }

    [Fact]
    public void DifferentSeedsGiveDifferentWeights()
    {
        // Guards the comparison above: it would pass trivially if the weights did not depend on the generator.
        var c = Get("resnet-small");
        float[] a = [.. c.Preset(new Rng(1)).State().SelectMany(t => t.Span.ToArray())];
        float[] b = [.. c.Preset(new Rng(2)).State().SelectMany(t => t.Span.ToArray())];
        Assert.NotEqual(a, b);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheSummaryCountsTheBuiltParametersAndShapes(string name)
    {
        var c = Get(name);
        var summary = c.Rows is { } rows ? c.Definition.SummarizeTokens(c.InputShape[0], rows) : c.Definition.Summarize(c.InputShape);
        var built = c.Preset(new Rng(3));
        Assert.Equal(built.ParameterCount(), summary.TotalParameters);
        // Per layer too: the summary's rows after the input are the Sequential's children in order.
        Assert.Equal(LayerModules(built).Select(m => m.ParameterCount()), summary.Layers.Skip(1).Select(l => l.Parameters));
        var y = built.Forward(new Tape { IsRecording = false }, Input(c, 6));
        Assert.Equal([3, .. summary.Layers[^1].OutputShape], y.Shape);
    }

    [Fact]
    public void PresetsReadAsTheirLayers()
    {
        Assert.Equal(
            ["Conv2d(16, 3×3, stride 1, padding 1, no bias)", "BatchNorm", "Relu", "ResidualBlock(16, stride 1)", "ResidualBlock(32, stride 2)", "GlobalAveragePool", "Dense(10)"],
            NetworkPresets.ResNet(10, new ResNetArchitecture { StageChannels = [16, 32], BlocksPerStage = [1, 1] }).Layers);
        Assert.Equal(
            ["Dense(8, no bias)", "BatchNorm", "Tanh", "Dropout(0.25)", "Dense(2)"],
            NetworkPresets.Mlp(new MlpArchitecture(3, [8], 2, ActivationKind.Tanh, DropoutRate: 0.25f, BatchNorm: true)).Layers);
        Assert.Equal(
            ["Embedding(5)", "Concatenate(Conv1d(4, 2, stride 1, padding 0) → GlobalMaxPool1d → Relu | Conv1d(4, 3, stride 1, padding 0) → GlobalMaxPool1d → Relu)", "Dropout(0.5)", "Dense(3)"],
            NetworkPresets.TextCnn(new TextCnnSpec(Rows, PadId, Length, 5, [2, 3], 4, 0.5f, 3)).Layers);
        Assert.Equal(
            ["Gru(3, 2 layers, bidirectional, dropout 0.3)", "Dropout(0.3)", "Dense(1)"],
            NetworkPresets.NumericSequence(new RecurrentStackSpec(RecurrentCellKind.Gru, 3, 2, true, 0.3f), 1).Layers);
    }
}
