using MlNetDeep.Engine;
using MlNetDeep.Onnx.Tests.Support.Conformance;

namespace MlNetDeep.Onnx.Tests.Conformance;

/// <summary>
/// Engine ops checked against the ONNX operator conformance cases (test/data/onnx-conformance, from Debian's
/// libonnx-testdata 1.12.0-2). Each case's node attributes are read from its model.onnx with ONNX defaults.
/// </summary>
public class EngineConformanceTests
{
    private static Tape NewTape() => new() { IsRecording = false };

    private static void AssertMatches(ConformanceCase c, Tensor y) => c.AssertOutputClose(0, y.Span.ToArray(), y.Shape);

    [Theory]
    [InlineData("test_relu")]
    public void Relu(string name)
    {
        var c = ConformanceCase.Load(name);
        Assert.Equal("Relu", c.OpType);
        AssertMatches(c, Ops.Relu(NewTape(), c.Inputs[0].ToEngine()));
    }

    [Theory]
    [InlineData("test_sigmoid")]
    [InlineData("test_sigmoid_example")]
    public void Sigmoid(string name)
    {
        var c = ConformanceCase.Load(name);
        Assert.Equal("Sigmoid", c.OpType);
        AssertMatches(c, Ops.Sigmoid(NewTape(), c.Inputs[0].ToEngine()));
    }

    [Theory]
    [InlineData("test_tanh")]
    [InlineData("test_tanh_example")]
    public void Tanh(string name)
    {
        var c = ConformanceCase.Load(name);
        Assert.Equal("Tanh", c.OpType);
        AssertMatches(c, Ops.Tanh(NewTape(), c.Inputs[0].ToEngine()));
    }

    [Theory]
    [InlineData("test_leakyrelu")]            // alpha = 0.1
    [InlineData("test_leakyrelu_default")]    // alpha absent: ONNX default 0.01
    [InlineData("test_leakyrelu_example")]
    public void LeakyRelu(string name)
    {
        var c = ConformanceCase.Load(name);
        Assert.Equal("LeakyRelu", c.OpType);
        AssertMatches(c, Ops.LeakyRelu(NewTape(), c.Inputs[0].ToEngine(), c.Float("alpha", 0.01f)));
    }

    // Opset-13 Softmax/LogSoftmax normalise over the single axis `axis` (default −1). The engine works on the last
    // axis, so for another axis the test moves that axis last, applies the op and moves it back (pure data movement).
    [Theory]
    [InlineData("test_softmax_axis_0")]
    [InlineData("test_softmax_axis_1")]
    [InlineData("test_softmax_axis_2")]
    [InlineData("test_softmax_default_axis")]
    [InlineData("test_softmax_negative_axis")]
    [InlineData("test_softmax_example")]
    [InlineData("test_softmax_large_number")]   // logits up to 10004: needs the max subtraction
    public void Softmax(string name)
    {
        var c = ConformanceCase.Load(name);
        Assert.Equal("Softmax", c.OpType);
        Assert.True(c.Opset >= 13, "pre-13 Softmax flattens to 2-D instead of using one axis");
        AssertMatches(c, AlongAxis(c, x => Ops.Softmax(NewTape(), x)));
    }

    [Theory]
    [InlineData("test_logsoftmax_axis_0")]
    [InlineData("test_logsoftmax_axis_1")]
    [InlineData("test_logsoftmax_axis_2")]
    [InlineData("test_logsoftmax_default_axis")]
    [InlineData("test_logsoftmax_negative_axis")]
    [InlineData("test_logsoftmax_example_1")]
    [InlineData("test_logsoftmax_large_number")]
    public void LogSoftmax(string name)
    {
        var c = ConformanceCase.Load(name);
        Assert.Equal("LogSoftmax", c.OpType);
        Assert.True(c.Opset >= 13, "pre-13 LogSoftmax flattens to 2-D instead of using one axis");
        AssertMatches(c, AlongAxis(c, x => Ops.LogSoftmax(NewTape(), x)));
    }

    /// <summary>Gemm Y = A'·B' + C with alpha = beta = 1, mapped to Ops.Linear(x = A', weight = B'ᵀ, bias = C).</summary>
    /// <remarks>
    /// Not run: test_gemm_alpha, test_gemm_beta, test_gemm_all_attributes (alpha/beta ≠ 1 — Linear has no scaling);
    /// test_gemm_default_matrix_bias (C is (M, N): Linear's bias is one row (N)).
    /// transA = 1 is handled by transposing A in the test; transB = 0 by transposing B into Linear's (N, K) weight.
    /// A scalar or single-element C is expanded to (N), which is exactly its broadcast.
    /// </remarks>
    [Theory]
    [InlineData("test_gemm_default_no_bias")]
    [InlineData("test_gemm_default_vector_bias")]              // C (1, N)
    [InlineData("test_gemm_default_zero_bias")]                // C (1, N) of zeros
    [InlineData("test_gemm_default_scalar_bias")]              // C ()
    [InlineData("test_gemm_default_single_elem_vector_bias")]  // C (1)
    [InlineData("test_gemm_transposeA")]
    [InlineData("test_gemm_transposeB")]                       // B stored (N, K): the engine's weight layout as is
    public void Gemm(string name)
    {
        var c = ConformanceCase.Load(name);
        Assert.Equal("Gemm", c.OpType);
        Assert.Equal(1f, c.Float("alpha", 1f));
        Assert.Equal(1f, c.Float("beta", 1f));
        ConformanceTensor a = c.NodeInput(0)!, b = c.NodeInput(1)!;
        ConformanceTensor? bias = c.NodeInput(2);
        float[] av = a.Floats;
        int[] aShape = a.Shape;
        if (c.Int("transA", 0) != 0) (av, aShape) = (Transpose2D(av, aShape[0], aShape[1]), [aShape[1], aShape[0]]);
        float[] bv = b.Floats;
        int[] bShape = b.Shape;
        // Linear wants (N, K); B' is (K, N) unless transB = 1 stores it as (N, K) already.
        if (c.Int("transB", 0) == 0) (bv, bShape) = (Transpose2D(bv, bShape[0], bShape[1]), [bShape[1], bShape[0]]);
        int n = bShape[0];
        Tensor? biasTensor = null;
        if (bias is not null)
        {
            Assert.True(bias.Length == n || bias.Length == 1, $"{name}: bias {bias} does not fit Linear's (N) bias");
            biasTensor = Tensor.FromArray(bias.Length == n ? bias.Floats : Enumerable.Repeat(bias.Floats[0], n).ToArray(), n);
        }

        AssertMatches(c, Ops.Linear(NewTape(), Tensor.FromArray(av, aShape), Tensor.FromArray(bv, bShape), biasTensor));
    }

    [Theory]
    [InlineData("test_batchnorm_example")]   // epsilon absent: ONNX default 1e-5
    [InlineData("test_batchnorm_epsilon")]   // epsilon = 1e-2
    public void BatchNormalizationInference(string name)
    {
        var c = ConformanceCase.Load(name);
        Assert.Equal("BatchNormalization", c.OpType);
        Assert.Equal(0, c.Int("training_mode", 0));
        Assert.Single(c.Outputs);
        Tensor mean = c.NodeInput(3)!.ToEngine(), variance = c.NodeInput(4)!.ToEngine();
        float[] meanBefore = mean.Span.ToArray(), varBefore = variance.Span.ToArray();
        var y = Ops.BatchNorm(NewTape(), c.NodeInput(0)!.ToEngine(), c.NodeInput(1)!.ToEngine(), c.NodeInput(2)!.ToEngine(),
            // ONNX momentum weighs the OLD running value (r ← m·r + (1−m)·batch); the engine's weighs the new batch
            // (PyTorch). Unused in inference, but converted so the mapping is the right one.
            mean, variance, training: false, momentum: 1f - c.Float("momentum", 0.9f), epsilon: c.Float("epsilon", 1e-5f));
        AssertMatches(c, y);
        Assert.Equal(meanBefore, mean.Span.ToArray());    // inference leaves the running statistics alone
        Assert.Equal(varBefore, variance.Span.ToArray());
    }

    /// <summary>Applies a last-axis op along the case's <c>axis</c> attribute (default −1) of input 0.</summary>
    private static Tensor AlongAxis(ConformanceCase c, Func<Tensor, Tensor> lastAxisOp)
    {
        ConformanceTensor x = c.Inputs[0];
        int rank = x.Shape.Length;
        int axis = (int)c.Int("axis", -1);
        if (axis < 0) axis += rank;
        if (axis == rank - 1) return lastAxisOp(x.ToEngine());
        // perm moves `axis` to the end; applying the inverse permutation afterwards restores the layout.
        int[] perm = Enumerable.Range(0, rank).Where(d => d != axis).Append(axis).ToArray();
        (float[] moved, int[] movedShape) = Permute(x.Floats, x.Shape, perm);
        Tensor y = lastAxisOp(Tensor.FromArray(moved, movedShape));
        int[] inverse = new int[rank];
        for (int i = 0; i < rank; i++) inverse[perm[i]] = i;
        (float[] back, int[] backShape) = Permute(y.Span.ToArray(), y.Shape, inverse);
        return Tensor.FromArray(back, backShape);
    }

    /// <summary>ONNX Transpose: output dim i is input dim perm[i].</summary>
    internal static (float[] values, int[] shape) Permute(float[] values, int[] shape, int[] perm)
    {
        int rank = shape.Length;
        int[] outShape = perm.Select(p => shape[p]).ToArray();
        int[] inStrides = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; s *= shape[d], d--) inStrides[d] = s;
        var result = new float[values.Length];
        int[] index = new int[rank];
        for (int o = 0; o < result.Length; o++)
        {
            int src = 0;
            for (int d = 0; d < rank; d++) src += index[d] * inStrides[perm[d]];
            result[o] = values[src];
            for (int d = rank - 1; d >= 0 && ++index[d] == outShape[d]; d--) index[d] = 0;
        }

        return (result, outShape);
    }

    private static float[] Transpose2D(float[] values, int rows, int cols) => Permute(values, [rows, cols], [1, 0]).values;
}
