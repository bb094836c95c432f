using MlNetDeep.Engine.Preprocessing;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Images as float [N, C, H, W] (ML.NET's ExtractPixels gives planar CHW vectors), standardised per channel as in
/// training (<see cref="FeaturePreprocessing"/> with C groups).
/// </summary>
/// <param name="Name">Input name (the feature column's).</param>
/// <param name="Channels">C</param>
/// <param name="Height">H</param>
/// <param name="Width">W</param>
/// <param name="Preprocessing">The model's preprocessing, with (C) statistics.</param>
internal sealed record ImageGraphInput(string Name, int Channels, int Height, int Width, FeaturePreprocessing Preprocessing) : IGraphInput
{
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Expectations => new Dictionary<string, string>
    {
        [Name] = $"float32 [N, {Channels}, {Height}, {Width}]: pixel planes, channel after channel, as ML.NET's ExtractPixels gave them " +
            "in training (0–255 unless that pipeline scaled them); the graph standardises each channel with statistics learned in Fit.",
    };

    /// <inheritdoc/>
    public GraphInputValues Add(OnnxGraphBuilder graph)
    {
        string x = graph.AddInput(Name, OnnxElementType.Float, "N", Channels, Height, Width);
        return new GraphInputValues(FeaturePreprocessingGraph.AddPlanes(graph, x, Preprocessing), RowCheck: FeaturePreprocessingGraph.AddRowCheck(graph, x, 4));
    }
}
