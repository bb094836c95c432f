using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Rnn, Lstm, Gru → <see cref="RecurrentExport"/> without sequence lengths; the module output is (N, T, dirs·H).</summary>
internal sealed class RecurrentExporter<T> : IModuleExporter where T : RecurrentLayer
{
    public Type ModuleType => typeof(T);

    public string Export(OnnxGraphBuilder graph, Module module, string input) => RecurrentExport.Export(graph, (T)module, input).Output;
}
