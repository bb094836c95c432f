using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// BatchNorm → BatchNormalization (opset 15 form, training_mode 0) with the running statistics, i.e. the
/// engine's inference behaviour. Epsilon is always written (Keras uses 1e-3, ONNX defaults to 1e-5).
/// </summary>
internal sealed class BatchNormExporter : IModuleExporter
{
    public Type ModuleType => typeof(BatchNorm);

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        var bn = (BatchNorm)module;
        long c = bn.Channels;
        string scale = graph.AddInitializer(graph.UniqueName("bn_scale"), bn.Gamma.Span, c);
        string bias = graph.AddInitializer(graph.UniqueName("bn_bias"), bn.Beta.Span, c);
        string mean = graph.AddInitializer(graph.UniqueName("bn_mean"), bn.RunningMean.Span, c);
        string variance = graph.AddInitializer(graph.UniqueName("bn_var"), bn.RunningVar.Span, c);
        return graph.AddNode("BatchNormalization", [input, scale, bias, mean, variance], OnnxAttribute.Float("epsilon", bn.Epsilon));
    }
}
