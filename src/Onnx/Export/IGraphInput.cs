namespace MlNetDeep.Onnx.Export;

/// <summary>How a scoring graph receives its features and turns them into the network's input.</summary>
internal interface IGraphInput
{
    /// <summary>Adds the graph input(s) and preprocessing nodes.</summary>
    /// <param name="graph">Graph under construction.</param>
    GraphInputValues Add(OnnxGraphBuilder graph);

    /// <summary>
    /// What a caller must feed each graph input, in words (type, shape, and what the graph does with it), for the
    /// "inputs" object of <c>mlnetdeep.model</c>; none by default.
    /// </summary>
    IReadOnlyDictionary<string, string> Expectations => new Dictionary<string, string>();

    /// <summary>Entries the input adds to the model's metadata (keys without the "mlnetdeep." prefix); none by default.</summary>
    IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>();
}
