namespace MlNetDeep.Onnx;

/// <summary>
/// Writes an <see cref="OnnxGraphBuilder"/> as a serialised ONNX <c>ModelProto</c>.
/// </summary>
internal static class OnnxModelWriter
{
    // ModelProto
    private const int IrVersion = 1, ProducerName = 2, ProducerVersion = 3, Domain = 4, ModelVersion = 5,
        DocString = 6, Graph = 7, OpsetImport = 8, MetadataProps = 14;

    /// <summary>Writes a model with default <see cref="OnnxModelOptions"/> (opset 17).</summary>
    /// <param name="graph">The main graph.</param>
    /// <returns>The model bytes.</returns>
    public static byte[] Write(OnnxGraphBuilder graph) => Write(graph, new OnnxModelOptions());

    /// <summary>Writes a model.</summary>
    /// <param name="graph">The main graph.</param>
    /// <param name="options">Model settings.</param>
    /// <returns>The model bytes.</returns>
    /// <exception cref="InvalidOperationException">A declared output is never produced.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The opset is unsupported.</exception>
    public static byte[] Write(OnnxGraphBuilder graph, OnnxModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        if (graph.Parent is not null)
            throw new ArgumentException($"Graph '{graph.Name}' is a subgraph and cannot be written as a model.", nameof(graph));
        long irVersion = options.IrVersion;
        graph.Validate();

        using var w = new ProtoWriter();
        w.Int64(IrVersion, irVersion);
        w.String(ProducerName, options.ProducerName ?? "");
        w.OptionalString(ProducerVersion, options.ProducerVersion);
        w.OptionalString(Domain, options.Domain);
        if (options.ModelVersion != 0)
            w.Int64(ModelVersion, options.ModelVersion);
        w.OptionalString(DocString, options.DocString);
        w.Message(Graph, OnnxProtoSerializer.Graph(graph));
        w.Message(OpsetImport, OpsetId("", options.Opset));
        if (options.AdditionalOpsets is { } extra)
        {
            foreach (KeyValuePair<string, long> opset in extra.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (opset.Key is "" or "ai.onnx")
                    throw new ArgumentException("The default ai.onnx domain is set by OnnxModelOptions.Opset.", nameof(options));
                w.Message(OpsetImport, OpsetId(opset.Key, opset.Value));
            }
        }

        if (options.Metadata is { } metadata)
        {
            foreach (KeyValuePair<string, string> entry in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                using var e = new ProtoWriter();
                e.String(1, entry.Key);
                e.String(2, entry.Value ?? "");
                w.Message(MetadataProps, e.ToArray());
            }
        }

        return w.ToArray();
    }

    private static byte[] OpsetId(string domain, long version)
    {
        using var w = new ProtoWriter();
        w.String(1, domain);
        w.Int64(2, version);
        return w.ToArray();
    }
}
