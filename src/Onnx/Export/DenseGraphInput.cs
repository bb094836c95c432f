using MlNetDeep.Engine.Preprocessing;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// A float [N, F] feature vector, preprocessed as in training (<see cref="FeaturePreprocessing"/>: made relative,
/// standardised per slot), or fed to the network as it is when there is no preprocessing.
/// </summary>
/// <param name="Name">Input name (the feature column's).</param>
/// <param name="FeatureCount">F</param>
/// <param name="Preprocessing">The model's preprocessing, with (F) statistics; null: none (no node between the input and the network).</param>
internal sealed record DenseGraphInput(string Name, int FeatureCount, FeaturePreprocessing? Preprocessing) : IGraphInput
{
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Expectations => new Dictionary<string, string>
    {
        [Name] = $"float32 [N, {FeatureCount}]: the feature values as they are; " + (Preprocessing is null
            ? "the graph uses them unscaled."
            : "the graph applies the preprocessing learned in Fit (per-value standardisation; for forecasters, values relative to the window's last step)."),
    };

    /// <inheritdoc/>
    public GraphInputValues Add(OnnxGraphBuilder graph)
    {
        string x = graph.AddInput(Name, OnnxElementType.Float, "N", FeatureCount);
        return Preprocessing is null ? new GraphInputValues(x) : FeaturePreprocessingGraph.AddRows(graph, x, FeatureCount, Preprocessing);
    }
}
