using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Base of every exporter: one sealed class per layer, named after it (<c>Conv2dExporter</c> exports <see cref="Conv2d"/>),
/// in src/Onnx/Export/Layers/. Where several layers export exactly alike (identity at inference, chains of children,
/// the recurrent cells, the residual blocks), one exporter typed on their common base lists them instead.
/// </summary>
/// <typeparam name="TLayer">The layer type, or the common base of the listed layer types.</typeparam>
internal abstract class ModuleExporter<TLayer> : IModuleExporter
    where TLayer : Module
{
    /// <summary>Handles <typeparamref name="TLayer"/> itself.</summary>
    protected ModuleExporter()
        : this(typeof(TLayer))
    {
    }

    /// <summary>Handles the given subclasses of <typeparamref name="TLayer"/>.</summary>
    /// <param name="layerTypes">Concrete layer types, each assignable to <typeparamref name="TLayer"/>.</param>
    protected ModuleExporter(params Type[] layerTypes)
    {
        foreach (var type in layerTypes)
            if (!typeof(TLayer).IsAssignableFrom(type))
                throw new ArgumentException($"{GetType().Name}: {type.Name} is not a {typeof(TLayer).Name}.", nameof(layerTypes));
        LayerTypes = layerTypes;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Type> LayerTypes { get; }

    /// <inheritdoc/>
    string IModuleExporter.Export(OnnxGraphBuilder graph, Module module, string input) => Export(graph, (TLayer)module, input);

    /// <summary>Appends the layer's inference-mode computation to <paramref name="graph"/>.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="layer">Layer to export.</param>
    /// <param name="input">Name of the value the layer consumes.</param>
    /// <returns>Name of the value the layer produces.</returns>
    protected abstract string Export(OnnxGraphBuilder graph, TLayer layer, string input);
}
