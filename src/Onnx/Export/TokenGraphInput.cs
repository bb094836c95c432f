namespace MlNetDeep.Onnx.Export;

/// <summary>Token keys uint32 [N, S] padded to int64 [N, T] ids, longer rows truncated or rejected (see <see cref="TokenInputGraph"/>).</summary>
/// <param name="Name">Input name (the token column's).</param>
/// <param name="Length">T</param>
/// <param name="PadId">Id written after the end of a shorter row.</param>
internal sealed record TokenGraphInput(string Name, int Length, long PadId) : IGraphInput
{
    /// <summary>
    /// Null (default): rows longer than T are truncated. Otherwise they are rejected at scoring time by a node of this
    /// name, which ONNX Runtime quotes in its error (e.g. "Text_has_more_than_64_tokens_LongerTexts_Reject").
    /// </summary>
    public string? RejectionNodeName { get; init; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Expectations => new Dictionary<string, string>
    {
        [Name] = $"uint32 [N, S]: token keys (key k ≥ 1 is text.vocabulary[k − 1], 0 an unknown token); the graph pads each row to {Length} " +
            $"with id {PadId} and " + (RejectionNodeName is null ? $"truncates longer rows to {Length}." : $"rejects longer rows (node {RejectionNodeName})."),
    };

    /// <inheritdoc/>
    public GraphInputValues Add(OnnxGraphBuilder graph) => new(TokenInputGraph.Add(graph, Name, Length, PadId, RejectionNodeName));
}
