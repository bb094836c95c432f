using MlNetDeep.Engine.Preprocessing;

namespace MlNetDeep.Onnx.Export;

/// <summary>A float [N, F] feature vector, preprocessed as in training (<see cref="FeaturePreprocessing"/>: made relative, standardised per slot).</summary>
/// <param name="Name">Input name (the feature column's).</param>
/// <param name="FeatureCount">F</param>
/// <param name="Preprocessing">The model's preprocessing, with (F) statistics.</param>
internal sealed record DenseGraphInput(string Name, int FeatureCount, FeaturePreprocessing Preprocessing) : IGraphInput
{
    /// <inheritdoc/>
    public GraphInputValues Add(OnnxGraphBuilder graph) =>
        FeaturePreprocessingGraph.AddRows(graph, graph.AddInput(Name, OnnxElementType.Float, "N", FeatureCount), FeatureCount, Preprocessing);
}
