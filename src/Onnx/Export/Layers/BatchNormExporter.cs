using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// <see cref="BatchNorm"/> → BatchNormalization (opset 15 form, training_mode 0) with the running statistics, i.e. the
/// engine's inference behaviour. Epsilon is always written (Keras uses 1e-3, ONNX defaults to 1e-5).
/// </summary>
internal sealed class BatchNormExporter : ModuleExporter<BatchNorm>
{
    protected override string Export(OnnxGraphBuilder graph, BatchNorm layer, string input)
    {
        long c = layer.Channels;
        string scale = graph.AddInitializer(graph.UniqueName("bn_scale"), layer.Gamma.Span, c);
        string bias = graph.AddInitializer(graph.UniqueName("bn_bias"), layer.Beta.Span, c);
        string mean = graph.AddInitializer(graph.UniqueName("bn_mean"), layer.RunningMean.Span, c);
        string variance = graph.AddInitializer(graph.UniqueName("bn_var"), layer.RunningVar.Span, c);
        return graph.AddNode("BatchNormalization", [input, scale, bias, mean, variance], OnnxAttribute.Float("epsilon", layer.Epsilon));
    }
}
