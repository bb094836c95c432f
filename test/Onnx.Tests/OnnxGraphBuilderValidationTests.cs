using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests;

/// <summary>Builder checks that catch exporter bugs before a model is written.</summary>
public class OnnxGraphBuilderValidationTests
{
    [Fact]
    public void AddNode_WithUndefinedInput_ThrowsNamingNodeOpAndInput()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", OnnxElementType.Float, 2);
        var e = Assert.Throws<InvalidOperationException>(() => g.AddNode("Add", [x, "missing_w"]));
        Assert.Contains("Add", e.Message);
        Assert.Contains("'missing_w'", e.Message);
        Assert.Contains("Node 'Add_", e.Message);
        Assert.Empty(g.Nodes);
    }

    [Fact]
    public void AddNode_AcceptsEmptyOptionalInput()
    {
        var g = new OnnxGraphBuilder("g");
        string y = g.AddNode("Clip", [g.AddInput("x", OnnxElementType.Float, 2), "", ""]);
        Assert.Equal(["x", "", ""], g.Nodes[0].Inputs);
        Assert.NotEmpty(y);
    }

    [Fact]
    public void AddNamedNode_KeepsTheNameAndRejectsADuplicate()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", OnnxElementType.Float, 2);
        string y = g.AddNamedNode("x_is_fine", "Relu", [x]);
        Assert.Equal("x_is_fine", g.Nodes[0].Name);
        Assert.NotEqual("x_is_fine", y);
        var e = Assert.Throws<InvalidOperationException>(() => g.AddNamedNode("x_is_fine", "Relu", [y]));
        Assert.Contains("'x_is_fine'", e.Message);
        Assert.Single(g.Nodes);
        // A generated name never takes an explicit one.
        g.AddNamedNode("Relu_0", "Relu", [y]);
        g.AddNode("Relu", [y]);
        Assert.Equal(3, g.Nodes.Select(n => n.Name).Distinct().Count());
    }

    [Fact]
    public void Write_WithUnproducedOutput_Throws()
    {
        var g = new OnnxGraphBuilder("g");
        g.AddInput("x", OnnxElementType.Float, 2);
        g.AddNode("Relu", ["x"]);
        g.AddOutput("y", OnnxElementType.Float, 2);
        var e = Assert.Throws<InvalidOperationException>(() => OnnxModelWriter.Write(g));
        Assert.Contains("'y'", e.Message);
    }

    [Fact]
    public void Write_WithUnproducedSubgraphOutput_Throws()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", OnnxElementType.Float, 2);
        var body = g.CreateSubgraph("then");
        body.AddOutput("never", OnnxElementType.Float);
        g.AddNodeWithOutputs("If", [g.ScalarConstant(true)], ["y"], OnnxAttribute.Graph("then_branch", body));
        g.AddOutput("y", OnnxElementType.Float);
        var e = Assert.Throws<InvalidOperationException>(() => OnnxModelWriter.Write(g));
        Assert.Contains("'never'", e.Message);
        Assert.Contains("then", e.Message);
        Assert.NotNull(x);
    }

    [Fact]
    public void OutputMayBeAnInputOrInitializer()
    {
        var g = new OnnxGraphBuilder("g");
        g.AddInput("x", OnnxElementType.Float, 2);
        g.AddInitializer("c", [1f, 2f], 2);
        g.AddOutput("x", OnnxElementType.Float, 2);
        g.AddOutput("c", OnnxElementType.Float, 2);
        OnnxStructure.AssertWellFormed(OnnxModelWriter.Write(g));
    }

    [Fact]
    public void RedefiningAValue_Throws()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", OnnxElementType.Float, 2);
        Assert.Throws<InvalidOperationException>(() => g.AddInput("x", OnnxElementType.Float, 2));
        Assert.Throws<InvalidOperationException>(() => g.AddInitializer("x", [1f], 1));
        g.AddNodeWithOutputs("Relu", [x], ["y"]);
        Assert.Throws<InvalidOperationException>(() => g.AddNodeWithOutputs("Relu", [x], ["y"]));
        Assert.Throws<InvalidOperationException>(() => g.AddNodeWithOutputs("Relu", [x], [x]));
        g.AddOutput("y", OnnxElementType.Float, 2);
        Assert.Throws<InvalidOperationException>(() => g.AddOutput("y", OnnxElementType.Float));
    }

    [Fact]
    public void UniqueName_NeverCollidesWithExistingOrDeclaredNames()
    {
        var g = new OnnxGraphBuilder("g");
        g.AddInput("Relu_0", OnnxElementType.Float, 2);
        g.AddInitializer("const_0", [1f], 1);
        g.AddOutput("Relu_1", OnnxElementType.Float, 2);
        string a = g.AddNode("Relu", ["Relu_0"]);
        string b = g.UniqueName("const");
        string c = g.UniqueName("const");
        Assert.Equal("Relu_2", a);
        Assert.DoesNotContain(b, new[] { "const_0", c });
        g.AddNodeWithOutputs("Relu", [a], ["Relu_1"]);
        OnnxStructure.AssertWellFormed(OnnxModelWriter.Write(g));
    }

    [Fact]
    public void StandaloneSubgraph_RequiresDeclaredOuterScope_AndParentMustDefineIt()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", OnnxElementType.Float, 2);
        var body = new OnnxGraphBuilder("body");
        var e = Assert.Throws<InvalidOperationException>(() => body.AddNode("Neg", [x]));
        Assert.Contains("'x'", e.Message);

        body.DeclareOuterScope("w");
        body.AddNodeWithOutputs("Neg", ["w"], ["out"]);
        body.AddOutput("out", OnnxElementType.Float);
        var e2 = Assert.Throws<InvalidOperationException>(
            () => g.AddNode("If", [g.ScalarConstant(true)], OnnxAttribute.Graph("then_branch", body), OnnxAttribute.Graph("else_branch", body)));
        Assert.Contains("'w'", e2.Message);
        Assert.Contains("If", e2.Message);
    }

    [Fact]
    public void CreateSubgraph_SeesParentValues_AndIfRunsInOrt()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", OnnxElementType.Float, 2);
        string flag = g.AddInput("flag", OnnxElementType.Bool);
        var thenBranch = g.CreateSubgraph("then");
        thenBranch.AddNodeWithOutputs("Neg", [x], ["neg"]);
        thenBranch.AddOutput("neg", OnnxElementType.Float, 2);
        var elseBranch = g.CreateSubgraph("else");
        elseBranch.AddNodeWithOutputs("Abs", [x], ["abs"]);
        elseBranch.AddOutput("abs", OnnxElementType.Float, 2);
        g.AddNodeWithOutputs("If", [flag], ["y"],
            OnnxAttribute.Graph("then_branch", thenBranch), OnnxAttribute.Graph("else_branch", elseBranch));
        g.AddOutput("y", OnnxElementType.Float, 2);
        byte[] model = OnnxModelWriter.Write(g);
        OnnxStructure.AssertWellFormed(model);

        foreach (bool f in new[] { true, false })
        {
            var y = OnnxTestRunner.RunTensors(model,
                OnnxTestInput.Float("x", [-2f, 3f], 2), OnnxTestInput.Bool("flag", [f]))["y"];
            OnnxTestRunner.AssertClose(f ? [2f, -3f] : [2f, 3f], y.Floats);
        }
    }

    [Fact]
    public void Tensor_DataLengthMustMatchDims()
    {
        Assert.Throws<ArgumentException>(() => OnnxTensor.Float("t", [1f, 2f, 3f], 2, 2));
        Assert.Throws<ArgumentException>(() => OnnxTensor.Int64("t", [1L], 2));
    }

    [Fact]
    public void AssertClose_ReportsFirstMismatchIndex()
    {
        OnnxTestRunner.AssertClose([1f, 2f, float.NaN], [1f, 2.0000001f, float.NaN]);
        var e = Assert.ThrowsAny<Exception>(() => OnnxTestRunner.AssertClose([1f, 2f, 3f, 4f], [1f, 2f, 3.1f, 4.2f]));
        Assert.Contains("index 2", e.Message);
        Assert.Contains("2 of 4", e.Message);
    }

    [Fact]
    public void AssertWellFormed_RejectsUseBeforeDefinition()
    {
        // Hand-edit a decoded model so a node reads a value defined by a later node.
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", OnnxElementType.Float, 2);
        string a = g.AddNode("Relu", [x]);
        g.AddNodeWithOutputs("Neg", [a], ["y"]);
        g.AddOutput("y", OnnxElementType.Float, 2);
        var proto = OnnxStructure.Parse(OnnxModelWriter.Write(g));
        var first = proto.Graph.Node[0];
        proto.Graph.Node.RemoveAt(0);
        proto.Graph.Node.Add(first);
        byte[] broken = Google.Protobuf.MessageExtensions.ToByteArray(proto);
        var e = Assert.ThrowsAny<Exception>(() => OnnxStructure.AssertWellFormed(broken));
        Assert.Contains("before it is defined", e.Message);
    }
}
