using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Writes engine modules as ONNX nodes with the same inference semantics. Implement it through
/// <see cref="ModuleExporter{TLayer}"/>; <see cref="ModuleExporter"/> finds every implementation by reflection.
/// </summary>
internal interface IModuleExporter
{
    /// <summary>The concrete module types this exporter handles; no other exporter may claim one of them.</summary>
    IReadOnlyList<Type> LayerTypes { get; }

    /// <summary>Appends the module's inference-mode computation to <paramref name="graph"/>.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="module">Module of one of the <see cref="LayerTypes"/>.</param>
    /// <param name="input">Name of the value the module consumes.</param>
    /// <returns>Name of the value the module produces.</returns>
    string Export(OnnxGraphBuilder graph, Module module, string input);
}
