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
        int dirs = layer.Directions;
        long first = (layer.NumberOfLayers - 1) * (long)dirs;
        string last = graph.AddNode("Slice", [result.FinalHidden, graph.Constant([first]), graph.Constant([first + dirs]), graph.Constant([0L])]);
        string batchFirst = graph.AddNode("Transpose", [last], OnnxAttribute.Ints("perm", 1, 0, 2));
        return graph.AddNode("Reshape", [batchFirst, graph.Constant([0L, encoder.OutputSize])]);
    }
}
