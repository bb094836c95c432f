using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Writes one kind of engine module as ONNX nodes with the same inference semantics.</summary>
public interface IModuleExporter
{
    /// <summary>The module type this exporter handles.</summary>
    Type ModuleType { get; }

    /// <summary>Appends the module's inference-mode computation to <paramref name="graph"/>.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="module">Module of type <see cref="ModuleType"/>.</param>
    /// <param name="input">Name of the value the module consumes.</param>
    /// <returns>Name of the value the module produces.</returns>
    string Export(OnnxGraphBuilder graph, Module module, string input);
}
