using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Exports engine modules by dispatching to the exporter of each module type. The exporters are found by reflection:
/// every non-abstract <see cref="IModuleExporter"/> (i.e. <see cref="ModuleExporter{TLayer}"/>) in this assembly, so a
/// new exporter needs no registration; a test fails when a concrete engine module has none.
/// </summary>
internal static class ModuleExporter
{
    private static readonly Dictionary<Type, IModuleExporter> ByLayerType = Index(Discover(typeof(ModuleExporter).Assembly));

    /// <summary>Appends <paramref name="module"/> (in inference form) to <paramref name="graph"/>.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="module">Module to export.</param>
    /// <param name="input">Name of its input value.</param>
    /// <returns>Name of its output value.</returns>
    /// <exception cref="NotSupportedException">No exporter exists for the module's type.</exception>
    public static string Export(OnnxGraphBuilder graph, Module module, string input)
    {
        if (!ByLayerType.TryGetValue(module.GetType(), out var exporter))
            throw new NotSupportedException($"Module '{module.GetType().Name}' cannot be exported to ONNX: no exporter is registered for it.");
        return exporter.Export(graph, module, input);
    }

    /// <summary>One instance of every exporter in <paramref name="assembly"/>, ordered by type name.</summary>
    /// <param name="assembly">The assembly to search (this one, in production).</param>
    internal static IModuleExporter[] Discover(System.Reflection.Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false, ContainsGenericParameters: false } && typeof(IModuleExporter).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IModuleExporter)Activator.CreateInstance(t, nonPublic: true)!)
            .ToArray();

    private static Dictionary<Type, IModuleExporter> Index(IReadOnlyList<IModuleExporter> exporters)
    {
        var index = new Dictionary<Type, IModuleExporter>();
        foreach (var exporter in exporters)
            foreach (var type in exporter.LayerTypes)
                if (!index.TryAdd(type, exporter))
                    throw new InvalidOperationException(
                        $"{type.Name} has two ONNX exporters: {index[type].GetType().Name} and {exporter.GetType().Name}.");
        return index;
    }
}
