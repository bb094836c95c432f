using MlNetDeep.Engine.Preprocessing;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// The ONNX form of <see cref="FeaturePreprocessing"/>: the same steps in the same order and arithmetic as
/// <see cref="FeaturePreprocessing.Apply"/>, so the graph's values match the trainer's to the bit.
/// </summary>
internal static class FeaturePreprocessingGraph
{
    /// <summary>Preprocesses flat rows: made relative (when <see cref="FeaturePreprocessing.RelativeStepSize"/> &gt; 0), then standardised per slot.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="x">(N, F) rows.</param>
    /// <param name="featureCount">F</param>
    /// <param name="preprocessing">The model's preprocessing with F groups (one per slot).</param>
    /// <returns>The standardised (N, F) rows and, for rows made relative, the target offset (N, 1).</returns>
    public static GraphInputValues AddRows(OnnxGraphBuilder graph, string x, int featureCount, FeaturePreprocessing preprocessing)
    {
        if (preprocessing.Mean.Length != featureCount || preprocessing.Std.Length != featureCount)
            throw new ArgumentException($"Standardisation has {preprocessing.Mean.Length} slots; expected {featureCount}.");
        string rowCheck = AddRowCheck(graph, x, 2);
        string? offset = null;
        if (preprocessing.RelativeStepSize > 0)
        {
            // level = x[:, F − f :] (N, f); x − Tile(level, T); the level's first value is the offset.
            int f = preprocessing.RelativeStepSize, steps = featureCount / f;
            string level = graph.AddNode("Slice", [x, graph.Constant([(long)(featureCount - f)]), graph.Constant([(long)featureCount]), graph.Constant([1L])]);
            x = graph.AddNode("Sub", [x, graph.AddNode("Tile", [level, graph.Constant([1L, steps])])]);
            offset = graph.AddNode("Slice", [level, graph.Constant([0L]), graph.Constant([1L]), graph.Constant([1L])]);
        }
        // Subtract, then divide (not multiply by a reciprocal), as the trainer does.
        string centred = graph.AddNode("Sub", [x, graph.Constant(preprocessing.Mean, [featureCount])]);
        return new GraphInputValues(graph.AddNode("Div", [centred, graph.Constant(preprocessing.Std, [featureCount])]), offset, rowCheck);
    }

    /// <summary>
    /// Per-row finiteness of a float input: Σ (x − x) over all values of the row, which is +0 when every value is finite
    /// (x − x = +0 exactly) and NaN when one is NaN or ±∞ (∞ − ∞ = NaN). Adding it to an output leaves finite rows'
    /// values bit for bit unchanged and turns non-finite rows into NaN, as ML.NET's own trainers score them.
    /// </summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="x">(N, …) float input values.</param>
    /// <param name="rank">Rank of <paramref name="x"/> (≥ 2).</param>
    /// <returns>(N, 1) float: +0 or NaN.</returns>
    public static string AddRowCheck(OnnxGraphBuilder graph, string x, int rank)
    {
        string zeros = graph.AddNode("Sub", [x, x]);
        if (rank > 2) zeros = graph.AddNode("Reshape", [zeros, graph.Constant([0L, -1L])]);   // (N, everything else)
        return graph.AddNode("ReduceSum", [zeros, graph.Constant([1L])], OnnxAttribute.Int("keepdims", 1));
    }

    /// <summary>Standardises images per channel: (x − mean[c]) / std[c] with [C, 1, 1] constants broadcast over (N, C, H, W).</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <param name="x">(N, C, H, W) pixels.</param>
    /// <param name="preprocessing">The model's preprocessing with C groups (one per channel plane), not made relative.</param>
    /// <returns>The standardised (N, C, H, W) pixels.</returns>
    public static string AddPlanes(OnnxGraphBuilder graph, string x, FeaturePreprocessing preprocessing)
    {
        var (mean, std) = (preprocessing.Mean, preprocessing.Std);
        if (mean.Length != std.Length) throw new ArgumentException($"{mean.Length} channel means but {std.Length} standard deviations.");
        if (preprocessing.RelativeStepSize != 0) throw new ArgumentException("Images are not made relative to a time step.");
        // Subtract, then divide, as the trainer does.
        string centred = graph.AddNode("Sub", [x, graph.Constant(mean, [mean.Length, 1, 1])]);
        return graph.AddNode("Div", [centred, graph.Constant(std, [std.Length, 1, 1])]);
    }
}
