namespace MlNetDeep.Onnx.Export;

/// <summary>How a scoring graph receives its features and turns them into the network's input.</summary>
public interface IGraphInput
{
    /// <summary>Adds the graph input(s) and preprocessing nodes.</summary>
    /// <param name="graph">Graph under construction.</param>
    /// <returns>Name of the value the network consumes.</returns>
    string Add(OnnxGraphBuilder graph);
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
    /// <inheritdoc/>
    public string Add(OnnxGraphBuilder graph)
    {
        if (Standardization.Mean.Length != FeatureCount || Standardization.Std.Length != FeatureCount)
            throw new ArgumentException($"Standardisation has {Standardization.Mean.Length} slots; expected {FeatureCount}.");
        string x = graph.AddInput(Name, OnnxElementType.Float, "N", FeatureCount);
        // Same arithmetic as the trainer: subtract, then divide (not multiply by a reciprocal), so values match to the bit.
        string centred = graph.AddNode("Sub", [x, graph.Constant(Standardization.Mean, [FeatureCount])]);
        return graph.AddNode("Div", [centred, graph.Constant(Standardization.Std, [FeatureCount])]);
    }
}

/// <summary>Token keys uint32 [N, S] padded or truncated to int64 [N, T] ids (see <see cref="TokenInputGraph"/>).</summary>
/// <param name="Name">Input name (the token column's).</param>
/// <param name="Length">T</param>
/// <param name="PadId">Id written after the end of a shorter row.</param>
public sealed record TokenGraphInput(string Name, int Length, long PadId) : IGraphInput
{
    /// <inheritdoc/>
    public string Add(OnnxGraphBuilder graph) => TokenInputGraph.Add(graph, Name, Length, PadId);
}
