using Onnx;
using Xunit.Sdk;

namespace MlNetDeep.Onnx.Tests.Support;

/// <summary>
/// Structural checks of serialised models, decoded independently with OnnxSharp (generated from the official
/// onnx.proto schema).
/// </summary>
internal static class OnnxStructure
{
    /// <summary>Decodes model bytes with OnnxSharp.</summary>
    public static ModelProto Parse(byte[] model) => ModelProto.Parser.ParseFrom(model);

    /// <summary>
    /// Parses <paramref name="model"/> and checks it is well formed: IR version 1..13, an ai.onnx opset import, and
    /// for the main graph and every subgraph: nodes in topological order (each non-empty input defined earlier, or
    /// an outer-scope name inside subgraphs), SSA (no value defined twice), unique node names, graph outputs
    /// defined, typed inputs/outputs, every attribute with its type set and its value present, and tensor data
    /// lengths matching product(dims) × element size. Returns the decoded model for further assertions.
    /// </summary>
    public static ModelProto AssertWellFormed(byte[] model)
    {
        ModelProto proto;
        try
        {
            proto = Parse(model);
        }
        catch (Exception e)
        {
            throw new XunitException($"Model bytes do not parse as ModelProto: {e.Message}");
        }

        Check(proto.IrVersion is >= 1 and <= 13, $"ir_version {proto.IrVersion} is outside 1..13");
        Check(proto.OpsetImport.Any(o => o.Domain is "" or "ai.onnx" && o.Version > 0), "no ai.onnx opset_import");
        Check(proto.OpsetImport.Select(o => o.Domain is "ai.onnx" ? "" : o.Domain).Distinct().Count() == proto.OpsetImport.Count,
            "duplicate opset_import domain");
        Check(proto.Graph is not null, "model has no graph");
        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        CheckGraph(proto.Graph!, new HashSet<string>(StringComparer.Ordinal), nodeNames, "graph '" + proto.Graph!.Name + "'");
        return proto;
    }

    /// <summary>
    /// Outputs of nodes (in the main graph or any subgraph) that no node consumes and that are no graph output: the
    /// signature of dead nodes. Optional outputs left empty ("") are not values and are skipped.
    /// </summary>
    public static IReadOnlyList<string> UnusedNodeOutputs(ModelProto model)
    {
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        var produced = new List<string>();
        void Walk(GraphProto graph)
        {
            consumed.UnionWith(graph.Output.Select(o => o.Name));
            foreach (NodeProto node in graph.Node)
            {
                consumed.UnionWith(node.Input);
                produced.AddRange(node.Output.Where(o => o.Length > 0).Select(o => $"{o} ({node.OpType})"));
                foreach (AttributeProto attribute in node.Attribute)
                {
                    if (attribute.G is not null) Walk(attribute.G);
                    foreach (GraphProto g in attribute.Graphs) Walk(g);
                }
            }
        }

        Walk(model.Graph);
        return produced.Where(p => !consumed.Contains(p[..p.IndexOf(' ')])).ToArray();
    }

    /// <summary>Byte size of one element of an ONNX data type in raw_data.</summary>
    public static int ElementSize(int dataType) => dataType switch
    {
        1 => 4, 2 => 1, 3 => 1, 4 => 2, 5 => 2, 6 => 4, 7 => 8, 9 => 1, 10 => 2, 11 => 8, 12 => 4, 13 => 8, 16 => 2,
        _ => throw new XunitException($"data_type {dataType} has no fixed element size"),
    };

    private static void CheckGraph(GraphProto graph, HashSet<string> outer, HashSet<string> nodeNames, string where)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        void Define(string name, string what)
        {
            Check(name.Length > 0, $"{where}: {what} with an empty name");
            Check(!defined.Contains(name) && !outer.Contains(name), $"{where}: {what} '{name}' is defined twice (not SSA / shadows outer scope)");
            defined.Add(name);
        }

        foreach (ValueInfoProto input in graph.Input)
        {
            Define(input.Name, "input");
            CheckValueInfo(input, $"{where} input");
        }

        foreach (TensorProto init in graph.Initializer)
        {
            Define(init.Name, "initializer");
            CheckTensor(init, $"{where} initializer '{init.Name}'");
        }

        foreach (NodeProto node in graph.Node)
        {
            string nodeWhere = $"{where} node '{node.Name}' ({node.OpType})";
            Check(node.OpType.Length > 0, $"{nodeWhere}: empty op_type");
            if (node.Name.Length > 0)
                Check(nodeNames.Add(node.Name), $"{nodeWhere}: duplicate node name");
            foreach (string input in node.Input)
                Check(input.Length == 0 || defined.Contains(input) || outer.Contains(input),
                    $"{nodeWhere}: input '{input}' is used before it is defined");

            var attributeNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (AttributeProto attribute in node.Attribute)
            {
                string attrWhere = $"{nodeWhere} attribute '{attribute.Name}'";
                Check(attribute.Name.Length > 0 && attributeNames.Add(attribute.Name), $"{attrWhere}: empty or duplicate name");
                CheckAttribute(attribute, attrWhere);
                var scope = new HashSet<string>(outer, StringComparer.Ordinal);
                scope.UnionWith(defined);
                if (attribute.G is not null && attribute.Type == AttributeProto.Types.AttributeType.Graph)
                    CheckGraph(attribute.G, scope, nodeNames, $"{attrWhere} subgraph '{attribute.G.Name}'");
                foreach (GraphProto g in attribute.Graphs)
                    CheckGraph(g, scope, nodeNames, $"{attrWhere} subgraph '{g.Name}'");
            }

            foreach (string output in node.Output)
                if (output.Length > 0)
                    Define(output, $"output of {nodeWhere}");
        }

        foreach (ValueInfoProto output in graph.Output)
        {
            Check(defined.Contains(output.Name) || outer.Contains(output.Name), $"{where}: graph output '{output.Name}' is never produced");
            CheckValueInfo(output, $"{where} output");
        }
    }

    private static void CheckAttribute(AttributeProto a, string where)
    {
        // OnnxSharp decodes scalar fields without presence, so f/i/s may legitimately read as 0/"".
        Check(a.Type != AttributeProto.Types.AttributeType.Undefined, $"{where}: attribute type not set");
        switch (a.Type)
        {
            case AttributeProto.Types.AttributeType.Tensor:
                Check(a.T is not null, $"{where}: TENSOR without t");
                CheckTensor(a.T!, where);
                break;
            case AttributeProto.Types.AttributeType.Graph: Check(a.G is not null, $"{where}: GRAPH without g"); break;
            case AttributeProto.Types.AttributeType.Tensors:
                foreach (TensorProto t in a.Tensors)
                    CheckTensor(t, where);
                break;
        }
    }

    private static void CheckValueInfo(ValueInfoProto info, string where)
    {
        Check(info.Type is not null && info.Type.TensorType is not null, $"{where} '{info.Name}': no tensor type");
        Check((info.Type?.TensorType?.ElemType ?? 0) > 0, $"{where} '{info.Name}': elem_type not set");
    }

    private static void CheckTensor(TensorProto t, string where)
    {
        Check(t.Dims.All(d => d >= 0), $"{where}: negative dim");
        long count = t.Dims.Aggregate(1L, (p, d) => p * d);
        Check(t.DataType > 0, $"{where}: data_type not set");
        if (t.RawData.Length > 0 || count == 0)
        {
            long expected = count * ElementSize(t.DataType);
            Check(t.RawData.Length == expected,
                $"{where}: raw_data has {t.RawData.Length} bytes, expected product([{string.Join(",", t.Dims)}]) × {ElementSize(t.DataType)} = {expected}");
        }
        else
        {
            long typed = t.FloatData.Count + t.Int32Data.Count + t.Int64Data.Count + t.DoubleData.Count + t.Uint64Data.Count + t.StringData.Count;
            Check(typed == count, $"{where}: {typed} typed elements, expected {count}");
        }
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
            throw new XunitException("Malformed ONNX model: " + message);
    }
}
