namespace MlNetDeep.Onnx;

/// <summary>
/// Serialises graphs, nodes, attributes, tensors and value infos to ONNX protobuf messages.
/// Field numbers follow the public ONNX IR specification.
/// </summary>
internal static class OnnxProtoSerializer
{
    // GraphProto
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphDocString = 10,
        GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;

    // NodeProto
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;

    // AttributeProto
    private const int AttrName = 1, AttrF = 2, AttrI = 3, AttrS = 4, AttrT = 5, AttrG = 6,
        AttrFloats = 7, AttrInts = 8, AttrStrings = 9, AttrType = 20;

    // TensorProto
    private const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9;

    // ValueInfoProto / TypeProto / TypeProto.Tensor / TensorShapeProto / Dimension
    private const int ValueInfoName = 1, ValueInfoType = 2;
    private const int TypeTensorType = 1;
    private const int TensorTypeElemType = 1, TensorTypeShape = 2;
    private const int ShapeDim = 1;
    private const int DimValue = 1, DimParam = 2;

    public static byte[] Graph(OnnxGraphBuilder graph)
    {
        using var w = new ProtoWriter();
        foreach (OnnxNode node in graph.Nodes)
            w.Message(GraphNode, Node(node));
        w.String(GraphName, graph.Name);
        foreach (OnnxTensor initializer in graph.Initializers)
            w.Message(GraphInitializer, Tensor(initializer));
        w.OptionalString(GraphDocString, graph.DocString);
        foreach (OnnxValueInfo input in graph.Inputs)
            w.Message(GraphInput, ValueInfo(input));
        foreach (OnnxValueInfo output in graph.Outputs)
            w.Message(GraphOutput, ValueInfo(output));
        foreach (OnnxValueInfo info in graph.ValueInfos)
            w.Message(GraphValueInfo, ValueInfo(info));
        return w.ToArray();
    }

    public static byte[] Node(OnnxNode node)
    {
        using var w = new ProtoWriter();
        foreach (string input in node.Inputs)
            w.String(NodeInput, input); // "" is kept: it marks an absent optional input
        foreach (string output in node.Outputs)
            w.String(NodeOutput, output);
        w.String(NodeName, node.Name);
        w.String(NodeOpType, node.OpType);
        foreach (OnnxAttribute attribute in node.Attributes)
            w.Message(NodeAttribute, Attribute(attribute));
        w.OptionalString(NodeDomain, node.Domain);
        return w.ToArray();
    }

    public static byte[] Attribute(OnnxAttribute attribute)
    {
        using var w = new ProtoWriter();
        w.String(AttrName, attribute.Name);
        switch (attribute.Value)
        {
            case float f when attribute.Kind == OnnxAttributeKind.Float:
                w.Float(AttrF, f);
                break;
            case long i when attribute.Kind == OnnxAttributeKind.Int:
                w.Int64(AttrI, i);
                break;
            case string s when attribute.Kind == OnnxAttributeKind.String:
                w.String(AttrS, s);
                break;
            case OnnxTensor t:
                w.Message(AttrT, Tensor(t));
                break;
            case OnnxGraphBuilder g:
                w.Message(AttrG, Graph(g));
                break;
            case float[] floats:
                w.Floats(AttrFloats, floats);
                break;
            case long[] ints:
                w.Int64s(AttrInts, ints);
                break;
            case string[] strings:
                foreach (string s in strings)
                    w.String(AttrStrings, s);
                break;
            default:
                throw new InvalidOperationException($"Attribute '{attribute.Name}' has an unsupported value.");
        }

        w.Int64(AttrType, (long)attribute.Kind);
        return w.ToArray();
    }

    public static byte[] Tensor(OnnxTensor tensor)
    {
        using var w = new ProtoWriter();
        w.Int64s(TensorDims, tensor.DimsArray);
        w.Int64(TensorDataType, (long)tensor.ElementType);
        w.String(TensorName, tensor.Name);
        w.Bytes(TensorRawData, tensor.RawBytes);
        return w.ToArray();
    }

    public static byte[] ValueInfo(OnnxValueInfo info)
    {
        using var tensorType = new ProtoWriter();
        tensorType.Int64(TensorTypeElemType, (long)info.ElementType);
        if (info.Dims is not null)
            tensorType.Message(TensorTypeShape, Shape(info.Dims));

        using var type = new ProtoWriter();
        type.Message(TypeTensorType, tensorType.ToArray());

        using var w = new ProtoWriter();
        w.String(ValueInfoName, info.Name);
        w.Message(ValueInfoType, type.ToArray());
        return w.ToArray();
    }

    private static byte[] Shape(IReadOnlyList<OnnxDim> dims)
    {
        using var shape = new ProtoWriter();
        foreach (OnnxDim dim in dims)
        {
            using var d = new ProtoWriter();
            if (dim.IsFixed)
                d.Int64(DimValue, dim.Value);
            else if (dim.IsSymbolic)
                d.String(DimParam, dim.Param!);
            shape.Message(ShapeDim, d.ToArray());
        }

        return shape.ToArray();
    }
}
