using MlNetDeep.Engine.Layers;
using MlNetDeep.Onnx.Export;

namespace MlNetDeep.Onnx.Tests.Export;

/// <summary>
/// The exporters <see cref="ModuleExporter"/> finds by reflection cover every concrete engine module exactly once, so
/// a new layer without an exporter (or a second exporter for a layer) fails here rather than at a user's export.
/// </summary>
public class ExporterRegistryTests
{
    private static readonly IModuleExporter[] Exporters = ModuleExporter.Discover(typeof(ModuleExporter).Assembly);

    private static IEnumerable<Type> ConcreteEngineModules() =>
        typeof(Module).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Module)) && !t.IsAbstract && !typeof(IMultiInputModule).IsAssignableFrom(t));

    [Fact]
    public void EveryConcreteEngineModuleHasAnExporter()
    {
        var exported = Exporters.SelectMany(e => e.LayerTypes).ToHashSet();
        var missing = ConcreteEngineModules().Where(t => !exported.Contains(t)).Select(t => t.Name).Order().ToArray();
        Assert.True(missing.Length == 0, $"Engine modules without an ONNX exporter: {string.Join(", ", missing)}.");
    }

    [Fact]
    public void EachLayerTypeHasOneExporter()
    {
        var twice = Exporters.SelectMany(e => e.LayerTypes.Select(t => (Layer: t, Exporter: e.GetType().Name)))
            .GroupBy(p => p.Layer)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Name} ({string.Join(", ", g.Select(p => p.Exporter))})")
            .ToArray();
        Assert.True(twice.Length == 0, $"Layers with several exporters: {string.Join("; ", twice)}.");
    }

    [Fact]
    public void ExportersHandleConcreteEngineModulesAndAreNamedAfterTheirLayer()
    {
        var concrete = ConcreteEngineModules().ToHashSet();
        Assert.NotEmpty(Exporters);
        foreach (var exporter in Exporters)
        {
            string name = exporter.GetType().Name;
            Assert.NotEmpty(exporter.LayerTypes);
            Assert.All(exporter.LayerTypes, t => Assert.True(concrete.Contains(t), $"{name} lists {t.Name}, not a concrete engine module."));
            if (exporter.LayerTypes.Count == 1) Assert.Equal(exporter.LayerTypes[0].Name + "Exporter", name);
        }
    }

    [Fact]
    public void DispatchReachesTheDiscoveredExporter()
    {
        var graph = new OnnxGraphBuilder("g");
        string x = graph.AddInput("x", OnnxElementType.Float, "N", 3);
        Assert.Equal(x, ModuleExporter.Export(graph, new Dropout(0.5f, new Engine.Rng(1)), x));
        Assert.Empty(graph.Nodes);
        ModuleExporter.Export(graph, new Flatten(), x);
        Assert.Equal("Flatten", Assert.Single(graph.Nodes).OpType);
    }
}
