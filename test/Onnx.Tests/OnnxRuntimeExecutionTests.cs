using MlNetDeep.Onnx.Tests.Support;

namespace MlNetDeep.Onnx.Tests;

/// <summary>Runs written models in ONNX Runtime (optimisations off and on) and compares with hand-computed values.</summary>
public class OnnxRuntimeExecutionTests
{
    private static readonly float[] W = [0.5f, -1f, 2f, 1f, 1f, 1f, -0.25f, 0.75f, 0f, 3f, -2f, 0.5f]; // [4,3]
    private static readonly float[] B = [0.1f, -0.2f, 0.3f, -5f];

    private static byte[] GemmReluModel(int opset)
    {
        var g = new OnnxGraphBuilder("dense");
        string x = g.AddInput("x", OnnxElementType.Float, "N", 3);
        string w = g.AddInitializer("w", W, 4, 3);
        string b = g.AddInitializer("b", B, 4);
        string gemm = g.AddNode("Gemm", [x, w, b], OnnxAttribute.Int("transB", 1));
        g.AddNodeWithOutputs("Relu", [gemm], ["y"]);
        g.AddOutput("y", OnnxElementType.Float, "N", 4);
        byte[] model = OnnxModelWriter.Write(g, new OnnxModelOptions { Opset = opset });
        OnnxStructure.AssertWellFormed(model);
        return model;
    }

    private static float[] GemmReluByHand(float[] x, int n)
    {
        var y = new float[n * 4];
        for (int r = 0; r < n; r++)
            for (int o = 0; o < 4; o++)
            {
                double s = B[o];
                for (int k = 0; k < 3; k++)
                    s += x[r * 3 + k] * W[o * 3 + k];
                y[r * 4 + o] = (float)Math.Max(0, s);
            }

        return y;
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    [InlineData(21)]
    [InlineData(23)]
    public void GemmTransBRelu_WithSymbolicBatch_MatchesHandComputation(int opset)
    {
        byte[] model = GemmReluModel(opset);
        foreach (int n in new[] { 2, 5 })
        {
            float[] x = Enumerable.Range(0, n * 3).Select(i => (i % 7 - 3) * 0.37f).ToArray();
            var y = OnnxTestRunner.Run(model, ("x", x, [n, 3]))["y"];
            Assert.Equal([n, 4L], y.dims);
            OnnxTestRunner.AssertClose(GemmReluByHand(x, n), y.values);
        }
    }

    [Fact]
    public void ConcatReshapeSoftmax_MatchesHandComputation()
    {
        var g = new OnnxGraphBuilder("softmax");
        string a = g.AddInput("a", OnnxElementType.Float, 2, 3);
        string b = g.AddInput("b", OnnxElementType.Float, 2, 3);
        string cat = g.AddNode("Concat", [a, b], OnnxAttribute.Int("axis", 1));
        string reshaped = g.AddNode("Reshape", [cat, g.Constant([3L, -1L])]);
        g.AddNodeWithOutputs("Softmax", [reshaped], ["p"], OnnxAttribute.Int("axis", -1));
        g.AddOutput("p", OnnxElementType.Float, 3, 4);
        byte[] model = OnnxModelWriter.Write(g);
        OnnxStructure.AssertWellFormed(model);

        float[] av = [1, 2, 3, 4, 5, 6], bv = [-1, 0, 1, 0.5f, 0.25f, 8];
        var p = OnnxTestRunner.Run(model, ("a", av, [2, 3]), ("b", bv, [2, 3]))["p"];

        // Concat on axis 1 gives rows [a0 | b0], [a1 | b1]; reshape to [3,4] regroups the 12 values row-major.
        float[] flat = [.. av[..3], .. bv[..3], .. av[3..], .. bv[3..]];
        var expected = new float[12];
        for (int r = 0; r < 3; r++)
        {
            double max = Enumerable.Range(0, 4).Max(c => flat[r * 4 + c]);
            double sum = Enumerable.Range(0, 4).Sum(c => Math.Exp(flat[r * 4 + c] - max));
            for (int c = 0; c < 4; c++)
                expected[r * 4 + c] = (float)(Math.Exp(flat[r * 4 + c] - max) / sum);
        }

        Assert.Equal([3L, 4L], p.dims);
        OnnxTestRunner.AssertClose(expected, p.values);
    }

    [Fact]
    public void Gather_WithInt64Indices_ReturnsFloatAndInt64Rows()
    {
        var g = new OnnxGraphBuilder("gather");
        string ids = g.AddInput("ids", OnnxElementType.Int64, "N");
        string table = g.AddInitializer("table", [0f, 0.5f, 1f, 1.5f, 2f, 2.5f, 3f, 3.5f, 4f, 4.5f], 5, 2);
        string codes = g.AddInitializer("codes", [100L, 101L, 102L, 103L, 104L], 5);
        g.AddNodeWithOutputs("Gather", [table, ids], ["emb"], OnnxAttribute.Int("axis", 0));
        g.AddNodeWithOutputs("Gather", [codes, ids], ["code"]);
        g.AddOutput("emb", OnnxElementType.Float, "N", 2);
        g.AddOutput("code", OnnxElementType.Int64, "N");
        byte[] model = OnnxModelWriter.Write(g);
        OnnxStructure.AssertWellFormed(model);

        var outputs = OnnxTestRunner.RunTensors(model, OnnxTestInput.Int64("ids", [4, 0, 2, 4], 4));
        Assert.Equal([4L, 2L], outputs["emb"].Dims);
        OnnxTestRunner.AssertClose([4f, 4.5f, 0f, 0.5f, 2f, 2.5f, 4f, 4.5f], outputs["emb"].Floats);
        Assert.Equal([4L], outputs["code"].Dims);
        Assert.Equal([104L, 100L, 102L, 104L], outputs["code"].Int64s);
    }

    [Fact]
    public void ClipWithAbsentOptionalMin_RunsInOrt()
    {
        var g = new OnnxGraphBuilder("clip");
        string x = g.AddInput("x", OnnxElementType.Float, 4);
        g.AddNodeWithOutputs("Clip", [x, "", g.ScalarConstant(1f)], ["y"]);
        g.AddOutput("y", OnnxElementType.Float, 4);
        byte[] model = OnnxModelWriter.Write(g);
        OnnxStructure.AssertWellFormed(model);

        var y = OnnxTestRunner.Run(model, ("x", [-3f, 0.5f, 1f, 7f], [4]))["y"];
        OnnxTestRunner.AssertClose([-3f, 0.5f, 1f, 1f], y.values);
    }

    /// <summary>
    /// Loop for 3 iterations: acc += inc * (i + 1), where inc is an initializer of the main graph used inside the
    /// body as an outer-scope value; scan output stacks acc after each iteration (cumulative sums).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Loop_BodyUsingOuterScopeInitializer_ComputesCumulativeSum(bool createSubgraph)
    {
        var g = new OnnxGraphBuilder("main");
        string x = g.AddInput("x", OnnxElementType.Float, 2);
        string inc = g.AddInitializer("inc", [1f, 10f], 2);
        string tripCount = g.ScalarConstant(3L);
        string keepGoing = g.ScalarConstant(true);

        OnnxGraphBuilder body = createSubgraph ? g.CreateSubgraph("loop_body") : new OnnxGraphBuilder("loop_body");
        if (!createSubgraph)
            body.DeclareOuterScope(inc);
        string iter = body.AddInput("iter", OnnxElementType.Int64);
        string condIn = body.AddInput("cond_in", OnnxElementType.Bool);
        string accIn = body.AddInput("acc_in", OnnxElementType.Float, 2);
        string iterF = body.AddNode("Cast", [iter], OnnxAttribute.Int("to", (long)OnnxElementType.Float));
        string k = body.AddNode("Add", [iterF, body.AddInitializer("one", [1f])]);
        string step = body.AddNode("Mul", [inc, k]);
        body.AddNodeWithOutputs("Identity", [condIn], ["cond_out"]);
        body.AddNodeWithOutputs("Add", [accIn, step], ["acc_out"]);
        body.AddNodeWithOutputs("Identity", ["acc_out"], ["scan_out"]);
        body.AddOutput("cond_out", OnnxElementType.Bool);
        body.AddOutput("acc_out", OnnxElementType.Float);
        body.AddOutput("scan_out", OnnxElementType.Float);

        g.AddNodeWithOutputs("Loop", [tripCount, keepGoing, x], ["final", "scan"], OnnxAttribute.Graph("body", body));
        g.AddOutput("final", OnnxElementType.Float, 2);
        g.AddOutput("scan", OnnxElementType.Float, 3, 2);
        byte[] model = OnnxModelWriter.Write(g);
        var proto = OnnxStructure.AssertWellFormed(model);
        Assert.Equal("Loop", Assert.Single(proto.Graph.Node).OpType);

        var outputs = OnnxTestRunner.Run(model, ("x", [0.5f, -1f], [2]));
        OnnxTestRunner.AssertClose([6.5f, 59f], outputs["final"].values);
        Assert.Equal([3L, 2L], outputs["scan"].dims);
        OnnxTestRunner.AssertClose([1.5f, 9f, 3.5f, 29f, 6.5f, 59f], outputs["scan"].values);
    }
}
