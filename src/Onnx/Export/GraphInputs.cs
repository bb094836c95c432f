using MlNetDeep.Engine.Preprocessing;

namespace MlNetDeep.Onnx.Export;

/// <summary>Values a graph input provides.</summary>
/// <param name="Features">The value the network consumes.</param>
/// <param name="TargetOffset">A float [N, 1] value a regressor adds to its output (the level of a window made relative), or null.</param>
public sealed record GraphInputValues(string Features, string? TargetOffset = null);

/// <summary>How a scoring graph receives its features and turns them into the network's input.</summary>
public interface IGraphInput
{
    /// <summary>Adds the graph input(s) and preprocessing nodes.</summary>
    /// <param name="graph">Graph under construction.</param>
    GraphInputValues Add(OnnxGraphBuilder graph);

    /// <summary>Entries the input adds to the model's metadata (keys without the "mlnetdeep." prefix); none by default.</summary>
    IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>();
}

/// <summary>A float [N, F] feature vector, preprocessed as in training (<see cref="FeaturePreprocessing"/>: made relative, standardised per slot).</summary>
/// <param name="Name">Input name (the feature column's).</param>
/// <param name="FeatureCount">F</param>
/// <param name="Preprocessing">The model's preprocessing, with (F) statistics.</param>
public sealed record DenseGraphInput(string Name, int FeatureCount, FeaturePreprocessing Preprocessing) : IGraphInput
{
    /// <inheritdoc/>
    public GraphInputValues Add(OnnxGraphBuilder graph) =>
        FeaturePreprocessingGraph.AddRows(graph, graph.AddInput(Name, OnnxElementType.Float, "N", FeatureCount), FeatureCount, Preprocessing);
}

/// <summary>Token keys uint32 [N, S] padded to int64 [N, T] ids, longer rows truncated or rejected (see <see cref="TokenInputGraph"/>).</summary>
/// <param name="Name">Input name (the token column's).</param>
/// <param name="Length">T</param>
/// <param name="PadId">Id written after the end of a shorter row.</param>
public sealed record TokenGraphInput(string Name, int Length, long PadId) : IGraphInput
{
    /// <summary>
    /// Null (default): rows longer than T are truncated. Otherwise they are rejected at scoring time by a node of this
    /// name, which ONNX Runtime quotes in its error (e.g. "Text_has_more_than_64_tokens_LongerTexts_Reject").
    /// </summary>
    public string? RejectionNodeName { get; init; }

    /// <inheritdoc/>
    public GraphInputValues Add(OnnxGraphBuilder graph) => new(TokenInputGraph.Add(graph, Name, Length, PadId, RejectionNodeName));
}

/// <summary>
/// Images as float [N, C, H, W] (ML.NET's ExtractPixels gives planar CHW vectors), standardised per channel as in
/// training (<see cref="FeaturePreprocessing"/> with C groups).
/// </summary>
/// <param name="Name">Input name (the feature column's).</param>
/// <param name="Channels">C</param>
/// <param name="Height">H</param>
/// <param name="Width">W</param>
/// <param name="Preprocessing">The model's preprocessing, with (C) statistics.</param>
public sealed record ImageGraphInput(string Name, int Channels, int Height, int Width, FeaturePreprocessing Preprocessing) : IGraphInput
{
    /// <inheritdoc/>
    public GraphInputValues Add(OnnxGraphBuilder graph)
    {
        string x = graph.AddInput(Name, OnnxElementType.Float, "N", Channels, Height, Width);
        return new GraphInputValues(FeaturePreprocessingGraph.AddPlanes(graph, x, Preprocessing));
    }
}
