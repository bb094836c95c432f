using Google.Protobuf;
using MlNetDeep.Onnx.Tests.Support;
using Onnx;

namespace MlNetDeep.Onnx.Tests;

/// <summary>Writes models and decodes them back with OnnxSharp, an independent decoder of the official schema.</summary>
public class OnnxWriterDecodeTests
{
    private static OnnxGraphBuilder SmallGraph()
    {
        var g = new OnnxGraphBuilder("small");
        string x = g.AddInput("x", OnnxElementType.Float, "N", 3);
        string y = g.AddNode("Relu", [x]);
        g.AddNodeWithOutputs("Identity", [y], ["y"]);
        g.AddOutput("y", OnnxElementType.Float, "N", 3);
        return g;
    }

    [Fact]
    public void ModelHeader_HasIrVersionOpsetProducerMetadataAndDocString()
    {
        var options = new OnnxModelOptions
        {
            ProducerVersion = "1.2.3",
            DocString = "a test model",
            Domain = "local.mlnetdeep",
            ModelVersion = 4,
            Metadata = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" },
        };
        ModelProto m = OnnxStructure.AssertWellFormed(OnnxModelWriter.Write(SmallGraph(), options));

        Assert.Equal(8, m.IrVersion);
        var opset = Assert.Single(m.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal("MlNetDeep", m.ProducerName);
        Assert.Equal("1.2.3", m.ProducerVersion);
        Assert.Equal("local.mlnetdeep", m.Domain);
        Assert.Equal(4, m.ModelVersion);
        Assert.Equal("a test model", m.DocString);
        Assert.Equal(["a=1", "b=2"], m.MetadataProps.Select(p => p.Key + "=" + p.Value));
        Assert.Equal("small", m.Graph.Name);
    }

    [Theory]
    [InlineData(13, 7)]
    [InlineData(14, 7)]
    [InlineData(15, 8)]
    [InlineData(17, 8)]
    [InlineData(18, 8)]
    [InlineData(19, 9)]
    [InlineData(20, 9)]
    [InlineData(21, 10)]
    [InlineData(22, 10)]
    [InlineData(23, 11)]
    public void IrVersion_IsDerivedFromOpset(int opset, long ir)
    {
        ModelProto m = OnnxStructure.AssertWellFormed(OnnxModelWriter.Write(SmallGraph(), new OnnxModelOptions { Opset = opset }));
        Assert.Equal(ir, m.IrVersion);
        Assert.Equal(opset, Assert.Single(m.OpsetImport).Version);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(24)]
    public void Opset_OutsideSupportedRange_Throws(int opset)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxModelOptions { Opset = opset });
        Assert.Equal("Opset", e.ParamName);
    }

    [Fact]
    public void AdditionalOpsets_AreImported()
    {
        var options = new OnnxModelOptions { AdditionalOpsets = new Dictionary<string, long> { ["com.microsoft"] = 1 } };
        ModelProto m = OnnxStructure.AssertWellFormed(OnnxModelWriter.Write(SmallGraph(), options));
        Assert.Equal(["=17", "com.microsoft=1"], m.OpsetImport.Select(o => o.Domain + "=" + o.Version));
    }

    [Fact]
    public void Nodes_KeepOrderInputsOutputsAndUniqueNames()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", OnnxElementType.Float, 2);
        string a = g.AddNode("Relu", [x]);
        string b = g.AddNode("Relu", [a]);
        string[] split = g.AddNode("Split", [b], 2, OnnxAttribute.Int("axis", 0));
        g.AddNodeWithOutputs("Add", [split[0], split[1]], ["out"]);
        g.AddOutput("out", OnnxElementType.Float, 1);
        ModelProto m = OnnxStructure.AssertWellFormed(OnnxModelWriter.Write(g));

        Assert.Equal(["Relu", "Relu", "Split", "Add"], m.Graph.Node.Select(n => n.OpType));
        Assert.Equal(4, m.Graph.Node.Select(n => n.Name).Distinct().Count());
        Assert.Equal([x], m.Graph.Node[0].Input);
        Assert.Equal([a], m.Graph.Node[0].Output);
        Assert.Equal([a], m.Graph.Node[1].Input);
        Assert.Equal(split, m.Graph.Node[2].Output);
        Assert.Equal(split, m.Graph.Node[3].Input);
        Assert.Equal(["out"], m.Graph.Node[3].Output);
        Assert.All(m.Graph.Node, n => Assert.Equal("", n.Domain));
    }

    [Fact]
    public void EmptyOptionalInput_IsWrittenAsIs()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", OnnxElementType.Float, 4);
        string max = g.ScalarConstant(1f);
        string y = g.AddNode("Clip", [x, "", max]);
        g.AddNodeWithOutputs("Identity", [y], ["y"]);
        g.AddOutput("y", OnnxElementType.Float, 4);
        ModelProto m = OnnxStructure.AssertWellFormed(OnnxModelWriter.Write(g));
        Assert.Equal([x, "", max], m.Graph.Node[0].Input);
    }

    [Fact]
    public void Attributes_OfEveryKind_RoundTrip()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", OnnxElementType.Float, 2);
        var body = g.CreateSubgraph("body");
        string bx = body.AddInput("bx", OnnxElementType.Float, 2);
        body.AddNodeWithOutputs("Neg", [bx], ["by"]);
        body.AddOutput("by", OnnxElementType.Float);
        var tensor = OnnxTensor.Float("tv", [1.5f, -2f], 2);

        g.AddNodeWithOutputs("Custom", [x], ["y"],
            OnnxAttribute.Int("i", -7),
            OnnxAttribute.Float("f", 0.25f),
            OnnxAttribute.String("s", "héllo"),
            OnnxAttribute.Ints("ints", 1, -2, long.MaxValue),
            OnnxAttribute.Floats("floats", 0.5f, -1f),
            OnnxAttribute.Strings("strings", "a", "", "c"),
            OnnxAttribute.Tensor("t", tensor),
            OnnxAttribute.Graph("g", body));
        g.AddOutput("y", OnnxElementType.Float, 2);
        ModelProto m = OnnxStructure.AssertWellFormed(OnnxModelWriter.Write(g));
        var attrs = m.Graph.Node[0].Attribute.ToDictionary(a => a.Name);
        Assert.Equal(8, attrs.Count);

        Assert.Equal(AttributeProto.Types.AttributeType.Int, attrs["i"].Type);
        Assert.Equal(-7, attrs["i"].I);
        Assert.Equal(AttributeProto.Types.AttributeType.Float, attrs["f"].Type);
        Assert.Equal(0.25f, attrs["f"].F);
        Assert.Equal(AttributeProto.Types.AttributeType.String, attrs["s"].Type);
        Assert.Equal("héllo", attrs["s"].S.ToStringUtf8());
        Assert.Equal(AttributeProto.Types.AttributeType.Ints, attrs["ints"].Type);
        Assert.Equal([1L, -2L, long.MaxValue], attrs["ints"].Ints);
        Assert.Equal(AttributeProto.Types.AttributeType.Floats, attrs["floats"].Type);
        Assert.Equal([0.5f, -1f], attrs["floats"].Floats);
        Assert.Equal(AttributeProto.Types.AttributeType.Strings, attrs["strings"].Type);
        Assert.Equal(["a", "", "c"], attrs["strings"].Strings.Select(s => s.ToStringUtf8()));

        Assert.Equal(AttributeProto.Types.AttributeType.Tensor, attrs["t"].Type);
        TensorProto t = attrs["t"].T;
        Assert.Equal("tv", t.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, t.DataType);
        Assert.Equal([2L], t.Dims);
        Assert.Equal([1.5f, -2f], FloatsOf(t.RawData));

        Assert.Equal(AttributeProto.Types.AttributeType.Graph, attrs["g"].Type);
        GraphProto sub = attrs["g"].G;
        Assert.Equal("body", sub.Name);
        Assert.Equal("bx", Assert.Single(sub.Input).Name);
        NodeProto neg = Assert.Single(sub.Node);
        Assert.Equal("Neg", neg.OpType);
        Assert.Equal(["bx"], neg.Input);
        Assert.Equal(["by"], neg.Output);
        ValueInfoProto subOut = Assert.Single(sub.Output);
        Assert.Equal((int)TensorProto.Types.DataType.Float, subOut.Type.TensorType.ElemType);
        Assert.Null(subOut.Type.TensorType.Shape); // element type only
    }

    [Fact]
    public void Initializers_HaveDimsTypeAndLittleEndianRawData_AndAreNotGraphInputs()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", OnnxElementType.Float, 2, 3);
        string w = g.AddInitializer("w", [1f, 2f, 3f, 4f, 5f, -6.5f], 2, 3);
        string shape = g.AddInitializer("shape", [3L, -1L], 2);
        string i32 = g.AddInitializer("i32", [7, -8, 9], 3);
        string flag = g.AddInitializer(OnnxTensor.Bool("flag", [true, false], 2));
        string scalar = g.ScalarConstant(42L);
        string c = g.Constant([5L, 6L]);
        string sum = g.AddNode("Add", [x, w]);
        g.AddNodeWithOutputs("Reshape", [sum, shape], ["y"]);
        g.AddOutput("y", OnnxElementType.Float, 3, 2);
        ModelProto m = OnnxStructure.AssertWellFormed(OnnxModelWriter.Write(g));

        Assert.Equal(["x"], m.Graph.Input.Select(i => i.Name));
        var inits = m.Graph.Initializer.ToDictionary(i => i.Name);
        Assert.Equal(new[] { w, shape, i32, flag, scalar, c }, m.Graph.Initializer.Select(i => i.Name));

        Assert.Equal([2L, 3L], inits[w].Dims);
        Assert.Equal((int)TensorProto.Types.DataType.Float, inits[w].DataType);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, -6.5f], FloatsOf(inits[w].RawData));
        Assert.Empty(inits[w].FloatData);

        Assert.Equal((int)TensorProto.Types.DataType.Int64, inits[shape].DataType);
        Assert.Equal([3L, -1L], Int64sOf(inits[shape].RawData));

        Assert.Equal((int)TensorProto.Types.DataType.Int32, inits[i32].DataType);
        Assert.Equal([7, -8, 9], Enumerable.Range(0, 3).Select(k => BitConverter.ToInt32(inits[i32].RawData.ToByteArray(), 4 * k)));

        Assert.Equal((int)TensorProto.Types.DataType.Bool, inits[flag].DataType);
        Assert.Equal(new byte[] { 1, 0 }, inits[flag].RawData.ToByteArray());

        Assert.Empty(inits[scalar].Dims);
        Assert.Equal([42L], Int64sOf(inits[scalar].RawData));
        Assert.Equal([2L], inits[c].Dims);
        Assert.Equal([5L, 6L], Int64sOf(inits[c].RawData));
    }

    [Fact]
    public void InputsAndOutputs_HaveElementTypesAndFixedOrSymbolicDims()
    {
        var g = new OnnxGraphBuilder("g");
        g.AddInput("x", OnnxElementType.Float, "N", 3, OnnxDim.Unknown);
        g.AddInput("ids", OnnxElementType.Int64, OnnxDim.Symbolic("batch"));
        g.AddInput("s", OnnxElementType.Float);
        g.AddNodeWithOutputs("Identity", ["x"], ["y"]);
        g.AddOutput("y", OnnxElementType.Float, "N", 3, OnnxDim.Unknown);
        g.AddOutput("ids", OnnxElementType.Int64, "batch");
        g.AddValueInfo("y", OnnxElementType.Float, "N", 3, 4);
        ModelProto m = OnnxStructure.AssertWellFormed(OnnxModelWriter.Write(g));

        var x = m.Graph.Input[0].Type.TensorType;
        Assert.Equal((int)TensorProto.Types.DataType.Float, x.ElemType);
        Assert.Equal(3, x.Shape.Dim.Count);
        Assert.Equal("N", x.Shape.Dim[0].DimParam);
        Assert.False(x.Shape.Dim[0].HasDimValue);
        Assert.Equal(3, x.Shape.Dim[1].DimValue);
        Assert.False(x.Shape.Dim[2].HasDimValue || x.Shape.Dim[2].HasDimParam);

        var ids = m.Graph.Input[1].Type.TensorType;
        Assert.Equal((int)TensorProto.Types.DataType.Int64, ids.ElemType);
        Assert.Equal("batch", Assert.Single(ids.Shape.Dim).DimParam);

        var s = m.Graph.Input[2].Type.TensorType;
        Assert.NotNull(s.Shape); // scalar: a shape with no dims
        Assert.Empty(s.Shape.Dim);

        Assert.Equal(["y", "ids"], m.Graph.Output.Select(o => o.Name));
        Assert.Equal("N", m.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(4, Assert.Single(m.Graph.ValueInfo).Type.TensorType.Shape.Dim[2].DimValue);
    }

    [Fact]
    public void Write_IsDeterministic()
    {
        Assert.Equal(OnnxModelWriter.Write(SmallGraph()), OnnxModelWriter.Write(SmallGraph()));
    }

    private static float[] FloatsOf(ByteString raw)
    {
        byte[] b = raw.ToByteArray();
        return Enumerable.Range(0, b.Length / 4).Select(i => BitConverter.ToSingle(b, 4 * i)).ToArray();
    }

    private static long[] Int64sOf(ByteString raw)
    {
        byte[] b = raw.ToByteArray();
        return Enumerable.Range(0, b.Length / 8).Select(i => BitConverter.ToInt64(b, 8 * i)).ToArray();
    }
}
