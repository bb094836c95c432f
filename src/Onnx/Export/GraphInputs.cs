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
}

/// <summary>Standardisation learned at training time, applied inside the graph: (x − Mean) / Std per slot.</summary>
/// <param name="Mean">(F) values subtracted.</param>
/// <param name="Std">(F) divisors, all positive.</param>
public sealed record Standardization(float[] Mean, float[] Std);

/// <summary>A float [N, F] feature vector, standardised per slot.</summary>
/// <param name="Name">Input name (the feature column's).</param>
/// <param name="FeatureCount">F</param>
/// <param name="Standardization">Per-slot mean and standard deviation.</param>
public sealed record DenseGraphInput(string Name, int FeatureCount, Standardization Standardization) : IGraphInput
{
    /// <summary>
    /// With F &gt; 0, every row is first made relative to its last time step (see the trainer's SupervisedColumns.RelativeStepSize):
    /// level = x[:, T·F − F :] (N, F); x − Tile(level, T); the level's first value is the regression target's offset.
    /// </summary>
    public int RelativeStepSize { get; init; }

    /// <inheritdoc/>
    public GraphInputValues Add(OnnxGraphBuilder graph)
    {
        if (Standardization.Mean.Length != FeatureCount || Standardization.Std.Length != FeatureCount)
            throw new ArgumentException($"Standardisation has {Standardization.Mean.Length} slots; expected {FeatureCount}.");
        string x = graph.AddInput(Name, OnnxElementType.Float, "N", FeatureCount);
        string? offset = null;
        if (RelativeStepSize > 0)
        {
            int f = RelativeStepSize, steps = FeatureCount / f;
            string level = graph.AddNode("Slice", [x, graph.Constant([(long)(FeatureCount - f)]), graph.Constant([(long)FeatureCount]), graph.Constant([1L])]);
            x = graph.AddNode("Sub", [x, graph.AddNode("Tile", [level, graph.Constant([1L, steps])])]);
            offset = graph.AddNode("Slice", [level, graph.Constant([0L]), graph.Constant([1L]), graph.Constant([1L])]);
        }
        // Same arithmetic as the trainer: subtract, then divide (not multiply by a reciprocal), so values match to the bit.
        string centred = graph.AddNode("Sub", [x, graph.Constant(Standardization.Mean, [FeatureCount])]);
        return new GraphInputValues(graph.AddNode("Div", [centred, graph.Constant(Standardization.Std, [FeatureCount])]), offset);
    }
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
/// Images as float [N, C, H, W] (ML.NET's ExtractPixels gives planar CHW vectors), standardised per channel:
/// (x − mean[c]) / std[c] with [C, 1, 1] constants.
/// </summary>
/// <param name="Name">Input name (the feature column's).</param>
/// <param name="Channels">C</param>
/// <param name="Height">H</param>
/// <param name="Width">W</param>
/// <param name="ChannelMean">(C) means.</param>
/// <param name="ChannelStd">(C) standard deviations.</param>
public sealed record ImageGraphInput(string Name, int Channels, int Height, int Width, float[] ChannelMean, float[] ChannelStd) : IGraphInput
{
    /// <inheritdoc/>
    public GraphInputValues Add(OnnxGraphBuilder graph)
    {
        string x = graph.AddInput(Name, OnnxElementType.Float, "N", Channels, Height, Width);
        return new GraphInputValues(ChannelStandardization.Add(graph, x, ChannelMean, ChannelStd));
    }
}

/// <summary>Per-channel standardisation of images, shared by <see cref="ImageGraphInput"/> and <see cref="AnySizeImageGraphInput"/>.</summary>
internal static class ChannelStandardization
{
    /// <summary>(x − mean[c]) / std[c] with [C, 1, 1] constants broadcast over (N, C, H, W).</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="x">(N, C, H, W) pixels.</param>
    /// <param name="mean">(C) means.</param>
    /// <param name="std">(C) standard deviations.</param>
    public static string Add(OnnxGraphBuilder graph, string x, float[] mean, float[] std)
    {
        if (mean.Length != std.Length) throw new ArgumentException($"{mean.Length} channel means but {std.Length} standard deviations.");
        // Subtract, then divide, as the trainer does, so values match to the bit.
        string centred = graph.AddNode("Sub", [x, graph.Constant(mean, [mean.Length, 1, 1])]);
        return graph.AddNode("Div", [centred, graph.Constant(std, [std.Length, 1, 1])]);
    }
}
