using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// RecurrentEncoder → Reshape (N, T, F) → native recurrent nodes (<see cref="RecurrentExport"/>) → Slice of the last
/// layer's Y_h (dirs, N, H) → Transpose (N, dirs, H) → Reshape (N, dirs·H).
/// </summary>
internal sealed class RecurrentEncoderExporter : IModuleExporter
{
    public Type ModuleType => typeof(RecurrentEncoder);

    public string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        var encoder = (RecurrentEncoder)module;
        var layer = encoder.Recurrent;
        string sequence = graph.AddNode("Reshape", [input, graph.Constant([0L, encoder.Steps, encoder.FeaturesPerStep])]);
        var result = RecurrentExport.Export(graph, layer, sequence);
        return RecurrentExport.LastLayerFinalHidden(graph, layer, result);
    }
}
