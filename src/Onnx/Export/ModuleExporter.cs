using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Exports engine modules by dispatching to the exporter registered for each module type.</summary>
public static class ModuleExporter
{
    private static readonly Dictionary<Type, IModuleExporter> Exporters = new IModuleExporter[]
    {
        new LinearExporter(), new ActivationExporter(), new DropoutExporter(), new BatchNormExporter(), new SequentialExporter(),
        new RecurrentExporter<Rnn>(), new RecurrentExporter<Lstm>(), new RecurrentExporter<Gru>(), new RecurrentEncoderExporter(),
        new ConvExporter(typeof(Conv2d)), new ConvExporter(typeof(Conv1d)),
        new PoolExporter(typeof(MaxPool2d)), new PoolExporter(typeof(MaxPool1d)), new PoolExporter(typeof(AvgPool2d)), new PoolExporter(typeof(AvgPool1d)),
        new GlobalPoolExporter(typeof(GlobalAvgPool)), new GlobalPoolExporter(typeof(GlobalMaxPool)),
        new SpatialPyramidPoolExporter(), new FlattenExporter(), new PermuteExporter(), new EmbeddingExporter(), new Dropout2dExporter(),
        new ParallelConcatExporter(), new TextRecurrentEncoderExporter(), new ReshapeExporter(), new TokenDropoutExporter(),
        new ResNetBlockExporter(typeof(ResNetBasicBlock)), new ResNetBlockExporter(typeof(ResNetBottleneckBlock)),
        new DenseBlockExporter(), new ChainExporter(typeof(DenseNetLayer)), new ChainExporter(typeof(TransitionLayer)),
    }.ToDictionary(e => e.ModuleType);

    /// <summary>Appends <paramref name="module"/> (in inference form) to <paramref name="graph"/>.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="module">Module to export.</param>
    /// <param name="input">Name of its input value.</param>
    /// <returns>Name of its output value.</returns>
    /// <exception cref="NotSupportedException">No exporter exists for the module's type.</exception>
    public static string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        if (!Exporters.TryGetValue(module.GetType(), out var exporter))
            throw new NotSupportedException($"Module '{module.GetType().Name}' cannot be exported to ONNX: no exporter is registered for it.");
        return exporter.Export(graph, module, input);
    }
}
