using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Preprocessing;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// Every node output of every exported model kind is consumed by another node or is a graph output: the exporters
/// write no dead nodes. The scoring graphs are built as the trainers build them (graph input, network, task head).
/// </summary>
public class NoDeadNodeTests
{
    private const int Vocabulary = 12, Length = 7, PadId = 11, Classes = 3;

    private static readonly FeaturePreprocessing Channels = new([0.1f, 0.2f, 0.3f], [1f, 2f, 3f]);

    public static TheoryData<string> ModelKinds() =>
    [
        "mlp-classifier", "mlp-regressor", "mlp-classifier-unscaled", "mlp-regressor-unscaled", "image-smallcnn", "image-resnet", "image-resnet-bottleneck", "image-densenet",
        "image-spp", "image-spp-anysize", "text-cnn", "text-cnn-reject", "text-rnn", "text-lstm", "text-bilstm2", "text-bigru",
        "seq-lstm-classifier", "seq-lstm-forecaster", "seq-bigru2-classifier", "seq-bigru2-forecaster", "seq-rnn-classifier",
        "seq-rnn-forecaster", "module-bilstm2-sequence",
    ];

    [Theory]
    [MemberData(nameof(ModelKinds))]
    public void EveryNodeOutputIsConsumed(string kind)
    {
        var proto = OnnxStructure.AssertWellFormed(Export(kind));
        var unused = OnnxStructure.UnusedNodeOutputs(proto);
        Assert.True(unused.Count == 0, $"{kind}: unused node outputs {string.Join(", ", unused)}.");
    }

    [Fact]
    public void AnUnusedNodeIsFound()
    {
        var graph = new OnnxGraphBuilder("g");
        string x = graph.AddInput("x", OnnxElementType.Float, "N", 2);
        graph.AddNode("Tanh", [x]);
        string y = graph.AddNode("Relu", [x]);
        graph.AddOutput(y, OnnxElementType.Float);
        var unused = OnnxStructure.UnusedNodeOutputs(OnnxStructure.Parse(OnnxModelWriter.Write(graph)));
        Assert.Equal("(Tanh)", Assert.Single(unused).Split(' ')[1]);
    }

    private static byte[] Export(string kind)
    {
        var rng = new Rng(4);
        var description = new ModelDescription("test", new Dictionary<string, string>());
        var dense = new DenseGraphInput("Features", 12, new FeaturePreprocessing(new float[12], Enumerable.Repeat(1f, 12).ToArray()));
        var image = new ImageGraphInput("Image", 3, 12, 12, Channels);
        var tokens = new TokenGraphInput("Tokens", Length, PadId);
        byte[] Classify(Module network, IGraphInput input)
        {
            network.SetTraining(false);
            return SupervisedGraph.Classifier(network, input, Classes, "Score", "PredictedLabel", description);
        }
        byte[] Regress(Module network, IGraphInput input)
        {
            network.SetTraining(false);
            return SupervisedGraph.Regressor(network, input, 1.5f, 2f, "Score", description);
        }
        var spp = new SmallCnnArchitecture { Conv1Channels = 4, Conv2Channels = 6, HiddenUnits = 8, SpatialPyramidLevels = [1, 2] };
        return kind switch
        {
            "mlp-classifier" => Classify(Mlp.Build(new MlpArchitecture(12, [8, 5], Classes, ActivationKind.LeakyRelu, 0.1f, DropoutRate: 0.3f, BatchNorm: true), rng), dense),
            "mlp-regressor" => Regress(Mlp.Build(new MlpArchitecture(12, [8], 1, ActivationKind.Relu), rng), dense),
            "mlp-classifier-unscaled" => Classify(Mlp.Build(new MlpArchitecture(12, [8], Classes, ActivationKind.Relu), rng), dense with { Preprocessing = null }),
            "mlp-regressor-unscaled" => Regress(Mlp.Build(new MlpArchitecture(12, [8], 1, ActivationKind.Relu), rng), dense with { Preprocessing = null }),
            "image-smallcnn" => Classify(SmallCnn.Build(3, Classes, new SmallCnnArchitecture { Conv1Channels = 4, Conv2Channels = 6, HiddenUnits = 8, InputHeight = 12, InputWidth = 12 }, rng), image),
            "image-resnet" => Classify(ResNet.Build(3, Classes, new ResNetArchitecture { StemChannels = 4, StageChannels = [4, 8], BlocksPerStage = [1, 1] }, rng), image),
            "image-resnet-bottleneck" => Classify(ResNet.Build(3, Classes,
                new ResNetArchitecture { StemChannels = 8, StageChannels = [4, 8], BlocksPerStage = [1, 2], Block = ResNetBlockKind.Bottleneck }, rng), image),
            "image-densenet" => Classify(DenseNet.Build(3, Classes, new DenseNetArchitecture { StemChannels = 6, GrowthRate = 4, LayersPerBlock = [2, 2] }, rng), image),
            "image-spp" => Classify(SmallCnn.Build(3, Classes, spp, rng), image),
            "image-spp-anysize" => Classify(SmallCnn.Build(3, Classes, spp, rng), new AnySizeImageGraphInput("Pixels", "Size", 4, [2, 1, 0], Channels)),
            "text-cnn" => Classify(TextCnn(rng), tokens),
            "text-cnn-reject" => Classify(TextCnn(rng), tokens with { RejectionNodeName = "Tokens_too_long" }),
            "text-rnn" => Classify(TextRecurrent(new Rnn(5, 4, rng), rng), tokens),
            "text-lstm" => Classify(TextRecurrent(new Lstm(5, 4, rng), rng), tokens),
            "text-bilstm2" => Classify(TextRecurrent(new Lstm(5, 4, rng, 2, bidirectional: true), rng), tokens),
            "text-bigru" => Classify(TextRecurrent(new Gru(5, 4, rng, 1, bidirectional: true), rng), tokens),
            "seq-lstm-classifier" => Classify(Sequence(new Lstm(3, 5, rng), Classes, rng), dense),
            "seq-lstm-forecaster" => Regress(Sequence(new Lstm(3, 5, rng), 1, rng), dense with { Preprocessing = dense.Preprocessing! with { RelativeStepSize = 3 } }),
            "seq-bigru2-classifier" => Classify(Sequence(new Gru(3, 5, rng, 2, bidirectional: true), Classes, rng), dense),
            "seq-bigru2-forecaster" => Regress(Sequence(new Gru(3, 5, rng, 2, bidirectional: true), 1, rng), dense with { Preprocessing = dense.Preprocessing! with { RelativeStepSize = 3 } }),
            "seq-rnn-classifier" => Classify(Sequence(new Rnn(3, 5, rng), Classes, rng), dense),
            "seq-rnn-forecaster" => Regress(Sequence(new Rnn(3, 5, rng), 1, rng), dense),
            "module-bilstm2-sequence" => Sequence(new Lstm(3, 5, rng, 2, bidirectional: true)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown model kind."),
        };
    }

    private static Module TextCnn(Rng rng) =>
        Engine.Models.TextCnn.Build(new TextCnnSpec(Vocabulary, PadId, Length, 5, [2, 3], 4, 0.5f, Classes, TokenDropoutRate: 0.1f), rng);

    // As the text trainer builds it: TokenDropout → encoder → Dropout → Linear.
    private static Module TextRecurrent(RecurrentLayer recurrent, Rng rng)
    {
        var encoder = new TextRecurrentEncoder(new Embedding(Vocabulary, 5, rng, PadId), recurrent, PadId);
        return new Sequential(new TokenDropout(0.1f, 0, PadId, rng), encoder, new Dropout(0.2f, rng), new Linear(encoder.OutputSize, Classes, rng));
    }

    // As the numeric-sequence trainers build it: 12 features = 4 steps of 3 → encoder → Dropout → Linear.
    private static Module Sequence(RecurrentLayer recurrent, int outputs, Rng rng)
    {
        var encoder = new RecurrentEncoder(recurrent, steps: 4, featuresPerStep: 3);
        return new Sequential(encoder, new Dropout(0.2f, rng), new Linear(encoder.OutputSize, outputs, rng));
    }

    // A recurrent layer as a module of its own: its output is the whole top-layer sequence (N, T, dirs·H).
    private static byte[] Sequence(RecurrentLayer recurrent)
    {
        recurrent.SetTraining(false);
        var graph = new OnnxGraphBuilder("sequence");
        string x = graph.AddInput("x", OnnxElementType.Float, "N", "T", 3);
        graph.AddOutput(ModuleExporter.Export(graph, recurrent, x), OnnxElementType.Float);
        return OnnxModelWriter.Write(graph);
    }
}
