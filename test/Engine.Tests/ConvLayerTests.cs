using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Engine.Tests;

/// <summary>Shapes, parameter counts, initialisation, a reference convolution, training and allocation for the conv layers.</summary>
public class ConvLayerTests
{
    private static Tensor Randn(Rng rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t.Span[i] = (float)rng.NextGaussian();
        return t;
    }

    private static int[] Shape(Module m, params int[] input) => m.Forward(new Tape { IsRecording = false }, Randn(new Rng(1), input)).Shape;

    [Fact]
    public void OutputShapes()
    {
        var rng = new Rng(1);
        Assert.Equal([2, 8, 14, 14], Shape(new Conv2d(3, 8, 5, rng, padding: 2, stride: 2), 2, 3, 28, 28));
        Assert.Equal([2, 4, 3, 5], Shape(new Conv2d(3, 4, new Window2d(2, 3, 2, 1, 0, 1, 2, 1), rng), 2, 3, 7, 5));
        Assert.Equal([2, 6, 8], Shape(new Conv1d(3, 6, 3, rng, stride: 2, padding: 1), 2, 3, 16));
        Assert.Equal([2, 3, 14, 14], Shape(new MaxPool2d(2), 2, 3, 28, 29));
        Assert.Equal([2, 3, 4, 4], Shape(new AvgPool2d(3, 2, 1), 2, 3, 7, 8));
        Assert.Equal([2, 3, 5], Shape(new MaxPool1d(2), 2, 3, 11));
        Assert.Equal([2, 3, 6], Shape(new AvgPool1d(3, 2, 1), 2, 3, 11));
        Assert.Equal([2, 3], Shape(new GlobalAvgPool(), 2, 3, 4, 5));
        Assert.Equal([2, 3], Shape(new GlobalMaxPool(), 2, 3, 9));
        Assert.Equal([2, 3 * 21], Shape(new SpatialPyramidPool([1, 2, 4]), 2, 3, 7, 9));
        Assert.Equal([2, 60], Shape(new Flatten(), 2, 3, 4, 5));
        Assert.Equal([2, 5, 7], Shape(new Permute(0, 2, 1), 2, 7, 5));
        Assert.Equal([2, 4, 3, 3], Shape(new Dropout2d(0.5f, rng), 2, 4, 3, 3));
    }

    [Fact]
    public void ParameterCountsAndInitialisationBounds()
    {
        var conv = new Conv2d(3, 8, new Window2d(3, 5, 1, 1, 1, 2), new Rng(2));
        Assert.Equal(8 * 3 * 3 * 5 + 8, conv.ParameterCount());
        float he = MathF.Sqrt(6f / (3 * 15)), biasBound = 1f / MathF.Sqrt(3 * 15);
        Assert.All(conv.Weight.Span.ToArray(), v => Assert.InRange(MathF.Abs(v), 0f, he));
        Assert.True(conv.Weight.Span.ToArray().Max(MathF.Abs) > 0.8f * he, "He-uniform weights should use most of their range");
        Assert.All(conv.Bias!.Span.ToArray(), v => Assert.InRange(MathF.Abs(v), 0f, biasBound));
        Assert.Equal(6 * 4 * 3, new Conv1d(4, 6, 3, new Rng(3), bias: false).ParameterCount());
        Assert.Equal(10 * 4, new Embedding(10, 4, new Rng(4)).ParameterCount());
        Assert.Equal(0, new SpatialPyramidPool([1, 2]).ParameterCount());
    }

    [Theory]
    [InlineData(3, 2, 2, 1, 1, 2, 2, 1, 3, 8, 7)]    // strided, dilated, non-square
    [InlineData(3, 3, 1, 1, 1, 1, 1, 1, 3, 8, 7)]    // "same" 3×3: the contiguous im2col path
    [InlineData(3, 5, 1, 1, 2, 4, 2, 2, 3, 8, 7)]    // "same" width with dilation
    [InlineData(2, 4, 1, 1, 0, 1, 1, 1, 3, 8, 7)]    // stride 1, narrower output
    [InlineData(1, 1, 1, 1, 0, 0, 1, 1, 3, 8, 7)]    // 1×1 direct
    [InlineData(3, 3, 1, 1, 1, 1, 1, 1, 3, 10, 15)]  // 150 columns: several packed panels, the last one partial
    [InlineData(3, 3, 1, 1, 1, 1, 1, 1, 60, 4, 5)]   // K = 540 > 512: the column matrix is packed by the SGEMM itself
    [InlineData(3, 3, 1, 1, 1, 1, 1, 1, 5, 6, 16, 8)] // 8 output channels, width 16: indirect GEMM over the padded plane
    [InlineData(3, 2, 1, 1, 2, 1, 2, 1, 3, 7, 20, 16)] // the same with dilation and uneven padding
    [InlineData(3, 3, 2, 2, 1, 1, 1, 1, 3, 9, 40)]      // stride 2 over wide rows
    [InlineData(1, 1, 2, 2, 0, 0, 1, 1, 4, 6, 36, 8)]   // 1×1 stride-2 shortcut
    [InlineData(3, 3, 2, 2, 1, 1, 1, 1, 3, 9, 34, 8)]   // stride 2, 8 outputs: indirect GEMM over the polyphase plane
    [InlineData(3, 3, 2, 3, 1, 1, 1, 1, 3, 9, 40, 8)]   // strides 2 × 3 over the polyphase plane
    [InlineData(3, 3, 2, 2, 2, 2, 2, 2, 3, 9, 33, 16)]  // dilated stride 2: only the even phases are read
    public void Conv2dMatchesADirectLoop(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int channels, int height, int width,
        int outputs = 4)
    {
        var rng = new Rng(5);
        var window = new Window2d(kh, kw, sh, sw, ph, pw, dh, dw);
        int C = channels, H = height, W = width;
        var x = Randn(rng, 2, C, H, W);
        var w = Randn(rng, outputs, C, kh, kw);
        var b = Randn(rng, outputs);
        var y = Ops.Conv2d(new Tape { IsRecording = false }, x, w, b, window);
        int ho = window.OutH(H), wo = window.OutW(W);
        Assert.Equal([2, outputs, ho, wo], y.Shape);
        for (int n = 0; n < 2; n++)
        for (int o = 0; o < outputs; o++)
        for (int oh = 0; oh < ho; oh++)
        for (int ow = 0; ow < wo; ow++)
        {
            double sum = b.Span[o];
            for (int c = 0; c < C; c++)
            for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++)
            {
                int ih = oh * sh - ph + i * dh, iw = ow * sw - pw + j * dw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                sum += w.Span[((o * C + c) * kh + i) * kw + j] * x.Span[((n * C + c) * H + ih) * W + iw];
            }
            Assert.Equal(sum, y.Span[((n * outputs + o) * ho + oh) * wo + ow], 1e-4 * (1 + Math.Abs(sum)));
        }
    }

    [Fact]
    public void AvgPoolDividesBorderWindowsByTheFullKernel()
    {
        var x = Tensor.Zeros(1, 1, 2, 2);
        x.Span.Fill(1f);
        var y = Ops.AvgPool2d(new Tape { IsRecording = false }, x, Window2d.Square(3, 1, 1));
        Assert.All(y.Span.ToArray(), v => Assert.Equal(4f / 9f, v, 6)); // count_include_pad = true
    }

    [Fact]
    public void SpatialPyramidBinsFollowTheAdaptiveRule()
    {
        // H = 5, n = 2: rows 0..2 and 2..4 (overlapping at row 2); values are the plane offsets, so max = last offset.
        var x = Tensor.Zeros(1, 1, 5, 3);
        for (int i = 0; i < 15; i++) x.Span[i] = i;
        var y = new SpatialPyramidPool([1, 2]).Forward(new Tape { IsRecording = false }, x);
        // level 1: max 14; level 2: bins rows {0..2}×cols {0..1}, {0..2}×{1..2}, {2..4}×{0..1}, {2..4}×{1..2}
        Assert.Equal([14f, 7, 8, 13, 14], y.Span.ToArray());
    }

    [Fact]
    public void SmallCnnTrainingLowersTheLoss()
    {
        var rng = new Rng(6);
        var net = new Sequential(new Conv2d(1, 4, 3, rng, padding: 1), new BatchNorm(4), new Activation(ActivationKind.Relu),
            new MaxPool2d(2), new Dropout2d(0.1f, rng), new Conv2d(4, 6, 3, rng), new Activation(ActivationKind.Relu),
            new SpatialPyramidPool([1, 2]), new Linear(6 * 5, 3, rng));
        var x = Randn(rng, 12, 1, 8, 8);
        int[] labels = Enumerable.Range(0, 12).Select(i => i % 3).ToArray();
        for (int i = 0; i < 12; i++) x.Span[i * 64 + labels[i] * 20] += 3f; // learnable signal
        var sgd = new Sgd(net.Parameters(), 0.05f, momentum: 0.9f);
        var tape = new Tape();
        float Step()
        {
            sgd.ZeroGrad();
            var loss = Ops.SoftmaxCrossEntropy(tape, net.Forward(tape, x), labels);
            float value = loss.Span[0];
            tape.Backward(loss);
            sgd.Step();
            tape.Reset();
            return value;
        }
        float first = Step();
        float last = first;
        for (int s = 0; s < 30; s++) last = Step();
        Assert.True(last < 0.5f * first, $"loss {first} → {last}");
    }

    [Fact]
    public void WarmConvTrainingStepAllocatesNoNewArrays()
    {
        var rng = new Rng(7);
        var emb = new Embedding(50, 8, rng, paddingIndex: 0);
        var text = new Sequential(new Permute(0, 2, 1), new Conv1d(8, 6, 3, rng, padding: 1), new Activation(ActivationKind.Relu), new GlobalMaxPool());
        var image = new Sequential(new Conv2d(3, 8, 3, rng, padding: 1), new BatchNorm(8), new Activation(ActivationKind.Relu),
            new MaxPool2d(2), new Dropout2d(0.2f, rng), new Conv2d(8, 8, 3, rng, stride: 2, padding: 1), new AvgPool2d(2),
            new SpatialPyramidPool([1, 2]), new Linear(8 * 5, 6, rng));
        var x = Randn(rng, 16, 3, 16, 16);
        var ids = Enumerable.Range(0, 16 * 10).Select(_ => rng.NextInt(50)).ToArray();
        int[] labels = Enumerable.Range(0, 16).Select(i => i % 4).ToArray();
        var sgd = new Sgd([.. emb.Parameters(), .. text.Parameters(), .. image.Parameters()], 0.01f);
        var tape = new Tape();
        void Step()
        {
            sgd.ZeroGrad();
            var t = text.Forward(tape, emb.Forward(tape, ids, 16, 10));
            var i = image.Forward(tape, x);
            var logits = Ops.Concat(tape, 1, [Ops.Add(tape, t, i), t]);
            tape.Backward(Ops.SoftmaxCrossEntropy(tape, logits, labels));
            sgd.Step();
            tape.Reset();
        }
        Step();
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The smallest activation buffer (16×6 floats) is 400 bytes; the step's buffers total ~1 MiB. Bookkeeping only.
        Assert.True(allocated < 16 * 1024, $"a warm training step allocated {allocated} bytes");
    }
}
