namespace MlNetDeep.Onnx.Export;

/// <summary>How a scoring graph receives its features and turns them into the network's input.</summary>
internal interface IGraphInput
{
    /// <summary>Adds the graph input(s) and preprocessing nodes.</summary>
    /// <param name="graph">Graph under construction.</param>
    GraphInputValues Add(OnnxGraphBuilder graph);

    /// <summary>Entries the input adds to the model's metadata (keys without the "mlnetdeep." prefix); none by default.</summary>
    IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>();
}
