using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MlNetDeep.Engine.Kernels;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Tests.Support;

namespace MlNetDeep.Engine.Tests;

/// <summary>Finite-difference gradient checks for the convolutional ops and layers.</summary>
[Collection("ConvGlobals")]
public class ConvGradientTests
{
    private static readonly Rng Seeded = new(321);

    /// <summary>Distinct values (a shuffled grid 0.1 apart) so that a ±1e-2 step never changes a max-pool winner.</summary>
    private static Tensor Distinct(Rng rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = 0.1f * (i - s.Length / 2);
        rng.Shuffle(s);
        return t;
    }

    [Fact]
    public void Conv2dStride2Padding1Dilation2NonSquareKernel()
    {
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 2, 3, 7, 8);
        var w = GradCheck.Random(Seeded, 0.1f, 1f, 4, 3, 2, 3);
        var b = GradCheck.Random(Seeded, 0.1f, 1f, 4);
        var window = new Window2d(2, 3, 2, 2, 1, 1, 2, 2);
        GradCheck.Check(t => Ops.Conv2d(t, x, w, b, window), [x, w, b]);
    }

    [Theory]
    [InlineData(0)]          // one SGEMM per item
    [InlineData(2 * 18 * 12)] // two items per SGEMM: 3 items give a full and a partial group
    [InlineData(1 << 30)]    // the whole batch in one SGEMM
    public void Conv2dAtEveryBatchGrouping(int budget)
    {
        int saved = Ops.ConvColumnBudget;
        try
        {
            Ops.ConvColumnBudget = budget;
            var x = GradCheck.Random(Seeded, 0.1f, 1f, 3, 3, 7, 8);
            var w = GradCheck.Random(Seeded, 0.1f, 1f, 4, 3, 2, 3);
            var b = GradCheck.Random(Seeded, 0.1f, 1f, 4);
            var window = new Window2d(2, 3, 2, 2, 1, 1, 2, 2); // K = 18, N = 4·3 = 12
            GradCheck.Check(t => Ops.Conv2d(t, x, w, b, window), [x, w, b]);
            var w1 = GradCheck.Random(Seeded, 0.1f, 1f, 2, 3, 1, 1);
            GradCheck.Check(t => Ops.Conv2d(t, x, w1, null, Window2d.Square(1)), [x, w1]);
        }
        finally
        {
            Ops.ConvColumnBudget = saved;
        }
    }

    [Fact]
    public void Conv2dMixedStridesAndPaddingWithoutBias()
    {
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 2, 2, 6, 5);
        var w = GradCheck.Random(Seeded, 0.1f, 1f, 3, 2, 3, 2);
        var window = new Window2d(3, 2, 1, 3, 2, 1, 1, 2);
        GradCheck.Check(t => Ops.Conv2d(t, x, w, null, window), [x, w]);
    }

    [Fact]
    public void Conv2dIndirectPathForwardAndInputGradient()
    {
        // 8 output and 8 input channels, stride 1, width 16 with padding 1 (2 dropped columns of 18): the forward and
        // the input gradient run as indirect GEMMs over a padded plane (IndirectConv); dilation 2 with padding 2 too.
        var x = GradCheck.Random(Seeded, -1f, 1f, 1, 8, 3, 16);
        var w = GradCheck.Random(Seeded, -0.5f, 0.5f, 8, 8, 3, 3);
        var b = GradCheck.Random(Seeded, -0.5f, 0.5f, 8);
        GradCheck.Check(t => Ops.Conv2d(t, x, w, b, Window2d.Square(3, 1, 1)), [x, w, b]);
        var wide = GradCheck.Random(Seeded, -1f, 1f, 1, 8, 5, 30);
        GradCheck.Check(t => Ops.Conv2d(t, wide, w, b, new Window2d(3, 3, 1, 1, 2, 2, 2, 2)), [wide, w, b]);
    }

    [Theory]
    [InlineData(3, 3, 1, 1, 1, 1)] // ResNet's last stage shape: 8×8 forward and input gradient from channels-last copies
    [InlineData(2, 3, 1, 1, 2, 1)] // non-square, dilated rows
    [InlineData(3, 3, 1, 2, 1, 2)] // dilated columns
    public void Conv2dChannelsLastPathOnSmallMaps(int kh, int kw, int ph, int pw, int dh, int dw)
    {
        // 32 channels in and out over 8×8: the indirect GEMM would drop 2 of every 10 columns, so the forward and the
        // input gradient run from channels-last copies (ChannelsLastConv). W's own gradient has its tests above; checking
        // x and b keeps this case fast.
        var window = new Window2d(kh, kw, 1, 1, ph, pw, dh, dw);
        var x = GradCheck.Random(Seeded, -1f, 1f, 1, 32, 8, 8);
        var w = GradCheck.Random(Seeded, -0.3f, 0.3f, 32, 32, kh, kw);
        var b = GradCheck.Random(Seeded, -0.5f, 0.5f, 32);
        AssertPath(ChannelsLastConv.Applies(window, 32, 32, 8), "the case must take the channels-last forward");
        Assert.False(IndirectConv.Applies(window, 32, 8), "the indirect GEMM must not take the case");
        GradCheck.Check(t => Ops.Conv2d(t, x, w, b, window), [x, b]);
    }

    [Fact]
    public void Conv2dStride2WideRows()
    {
        // Stride 2 over rows of 40, with padding: im2col and col2im copy every other element.
        var x = GradCheck.Random(Seeded, -1f, 1f, 1, 2, 5, 40);
        var w = GradCheck.Random(Seeded, -0.5f, 0.5f, 3, 2, 3, 3);
        var b = GradCheck.Random(Seeded, -0.5f, 0.5f, 3);
        GradCheck.Check(t => Ops.Conv2d(t, x, w, b, Window2d.Square(3, 2, 1)), [x, w, b]);
    }

    [Theory]
    [InlineData(3, 2, 1, 1, 34)] // ResNet's downsampling 3×3: four phases, rows past 32 take the scalar tail
    [InlineData(3, 2, 1, 1, 32)] // 16 outputs per row: tiles write two row segments straight into y
    [InlineData(3, 2, 1, 1, 50)] // rows split and joined 32 + 16 + 2 columns at a time
    [InlineData(3, 2, 1, 1, 20)] // 16 + 4 columns
    [InlineData(1, 2, 0, 1, 33)] // 1×1 stride-2 shortcut: only the even phase is read, odd positions get zero gradient
    [InlineData(3, 2, 2, 2, 36)] // dilation 2: every tap reads the even phase
    [InlineData(3, 2, 0, 1, 32)] // no padding: the phases swap roles
    [InlineData(3, 3, 1, 1, 40)] // stride 3: the general strided row mapping
    public void Conv2dStridedIndirectPathThroughThePolyphasePlane(int kernel, int stride, int padding, int dilation, int width)
    {
        // 8 output channels: forward, dW and dx run through IndirectConv's polyphase plane.
        var x = GradCheck.Random(Seeded, -1f, 1f, 2, 3, 5, width);
        var w = GradCheck.Random(Seeded, -0.5f, 0.5f, 8, 3, kernel, kernel);
        var b = GradCheck.Random(Seeded, -0.5f, 0.5f, 8);
        var window = Window2d.Square(kernel, stride, padding, dilation);
        AssertPath(IndirectConv.Applies(window, 8, width), "the case must take the indirect path");
        GradCheck.Check(t => Ops.Conv2d(t, x, w, b, window), [x, w, b]);
    }

    [Theory]
    [InlineData(3, 3, 1, 1, 1, 1, 11)] // "same" 3×3 over a width with a scalar tail (8 + 3 columns per transposed block)
    [InlineData(3, 2, 2, 0, 2, 1, 16)] // dilated, non-square, uneven padding
    public void Conv2dWeightGradientFromTheChannelsLastPlane(int kh, int kw, int ph, int pw, int dh, int dw, int width)
    {
        // 16 input and 8 output channels, stride 1: dW comes from ChannelsLastWeightGradient (9 or 6 taps of one
        // 16-channel vector: full tiles of 3 vectors).
        var window = new Window2d(kh, kw, 1, 1, ph, pw, dh, dw);
        var x = GradCheck.Random(Seeded, -1f, 1f, 2, 16, 4, width);
        var w = GradCheck.Random(Seeded, -0.5f, 0.5f, 8, 16, kh, kw);
        AssertPath(ChannelsLastWeightGradient.Applies(16, 8), "the case must take the channels-last path");
        GradCheck.Check(t => Ops.Conv2d(t, x, w, null, window), [x, w]);
    }

    [Theory]
    [InlineData(3, 2, 1, 16, 34)] // ResNet's downsampling 3×3 over 16 channels: four phases, 8-column blocks and a tail
    [InlineData(1, 2, 0, 32, 17)] // 1×1 stride-2 shortcut over 32 channels: two vectors, one partial tile
    [InlineData(3, 3, 1, 16, 20)] // stride 3
    [InlineData(3, 2, 2, 16, 36, 2)] // dilation 2: one phase of 9 taps, three with none
    [InlineData(3, 2, 3, 16, 48, 3)] // dilation 3: phases of taps 3 apart
    public void Conv2dStridedWeightGradientFromTheChannelsLastPolyphasePlane(int kernel, int stride, int padding, int channels, int width,
        int dilation = 1)
    {
        // 16 or 32 input channels and 8 outputs: dW from the channels-last plane, dx phase by phase (PhaseInputGradient).
        var window = Window2d.Square(kernel, stride, padding, dilation);
        var x = GradCheck.Random(Seeded, -1f, 1f, 2, channels, 5, width);
        var w = GradCheck.Random(Seeded, -0.5f, 0.5f, 8, channels, kernel, kernel);
        AssertPath(ChannelsLastWeightGradient.Applies(channels, 8), "the case must take the channels-last path");
        AssertPath(PhaseInputGradient.Applies(window, channels, 5, width), "the case must take the phase input gradient");
        GradCheck.Check(t => Ops.Conv2d(t, x, w, null, window), [x, w]);
    }

    [Fact]
    public void Conv2dChannelsLastWeightGradientWithPartialTiles()
    {
        // 32 channels × 5 taps = 10 vectors: three full tiles of 3 and one of 1; 16 output channels: two row tiles.
        var window = new Window2d(1, 5, 1, 1, 0, 2);
        var x = GradCheck.Random(Seeded, -1f, 1f, 1, 32, 2, 13);
        var w = GradCheck.Random(Seeded, -0.5f, 0.5f, 16, 32, 1, 5);
        var b = GradCheck.Random(Seeded, -0.5f, 0.5f, 16);
        GradCheck.Check(t => Ops.Conv2d(t, x, w, b, window), [x, w, b]);
    }

    [Fact]
    public void Conv2dSameWidthUsesTheContiguousColumnPath()
    {
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 2, 2, 5, 6);
        var w = GradCheck.Random(Seeded, 0.1f, 1f, 3, 2, 3, 5);
        var b = GradCheck.Random(Seeded, 0.1f, 1f, 3);
        GradCheck.Check(t => Ops.Conv2d(t, x, w, b, new Window2d(3, 5, 1, 1, 1, 2)), [x, w, b]);
        GradCheck.Check(t => Ops.Conv2d(t, x, w, b, new Window2d(3, 5, 1, 1, 2, 4, 2, 2)), [x, w, b]);
    }

    [Fact]
    public void Conv2dOneByOneUsesTheDirectPath()
    {
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 2, 3, 4, 5);
        var w = GradCheck.Random(Seeded, 0.1f, 1f, 4, 3, 1, 1);
        var b = GradCheck.Random(Seeded, 0.1f, 1f, 4);
        GradCheck.Check(t => Ops.Conv2d(t, x, w, b, Window2d.Square(1)), [x, w, b]);
    }

    [Fact]
    public void Conv1dStride2Padding1Dilation2()
    {
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 2, 3, 11);
        var w = GradCheck.Random(Seeded, 0.1f, 1f, 4, 3, 3);
        var b = GradCheck.Random(Seeded, 0.1f, 1f, 4);
        GradCheck.Check(t => Ops.Conv1d(t, x, w, b, stride: 2, padding: 1, dilation: 2), [x, w, b]);
    }

    [Fact]
    public void MaxPool2dWithPadding()
    {
        var x = Distinct(Seeded, 2, 2, 7, 6);
        GradCheck.Check(t => Ops.MaxPool2d(t, x, new Window2d(3, 2, 2, 2, 1, 1)), [x]);
    }

    [Fact]
    public void MaxPool1dWithPadding()
    {
        var x = Distinct(Seeded, 2, 3, 9);
        GradCheck.Check(t => Ops.MaxPool1d(t, x, kernel: 3, stride: 2, padding: 1), [x]);
    }

    [Fact]
    public void AvgPool2dWithPadding()
    {
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 2, 2, 7, 6);
        GradCheck.Check(t => Ops.AvgPool2d(t, x, new Window2d(3, 2, 2, 1, 1, 1)), [x]);
    }

    [Fact]
    public void AvgPool1dWithPadding()
    {
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 2, 3, 8);
        GradCheck.Check(t => Ops.AvgPool1d(t, x, kernel: 4, stride: 3, padding: 2), [x]);
    }

    [Fact]
    public void GlobalPools()
    {
        var x = Distinct(Seeded, 2, 3, 4, 5);
        GradCheck.Check(t => Ops.GlobalAvgPool(t, x), [x]);
        GradCheck.Check(t => Ops.GlobalMaxPool(t, x), [x]);
        var text = Distinct(Seeded, 3, 4, 7);
        GradCheck.Check(t => Ops.GlobalMaxPool(t, text), [text]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AdaptivePoolWithBinsThatDoNotDivideTheInput(bool max)
    {
        var x = Distinct(Seeded, 2, 2, 7, 5);
        GradCheck.Check(t => Ops.AdaptivePool2d(t, x, 3, 4, max), [x]);
    }

    [Theory]
    [InlineData(nameof(PyramidPoolKind.Max))]
    [InlineData(nameof(PyramidPoolKind.Average))]
    public void SpatialPyramidPoolLayer(string kindName)
    {
        var kind = Enum.Parse<PyramidPoolKind>(kindName);
        var x = Distinct(Seeded, 2, 3, 7, 5);
        var spp = new SpatialPyramidPool([1, 2, 3], kind);
        GradCheck.Check(t => spp.Forward(t, x), [x]);
    }

    [Fact]
    public void EmbeddingScatterAddsIntoUsedRows()
    {
        var w = GradCheck.Random(Seeded, 0.1f, 1f, 6, 3);
        var ids = Tensor.FromArray([1, 4, 4, 0, 5, 2, 1, 1], 2, 4);
        GradCheck.Check(t => Ops.Embedding(t, ids, w), [w]);
    }

    [Fact]
    public void EmbeddingPaddingRowStaysZeroAndGetsNoGradient()
    {
        var emb = new Embedding(5, 3, new Rng(1), paddingIndex: 0);
        Assert.All(emb.Weight.Span[..3].ToArray(), v => Assert.Equal(0f, v));
        var tape = new Tape();
        var y = emb.Forward(tape, [0, 2, 0, 3, 3, 0], 2, 3);
        Assert.Equal([2, 3, 3], y.Shape);
        var upstream = Enumerable.Range(0, y.Length).Select(i => 1f + i).ToArray();
        tape.Backward(y, upstream);
        var g = emb.Weight.Grad!.Span;
        Assert.All(g[..3].ToArray(), v => Assert.Equal(0f, v));                // padding row
        Assert.Equal(upstream[3 * 3] + upstream[4 * 3], g[3 * 3]);                   // row 3 used at positions 3 and 4
        Assert.Equal(upstream[3 * 1 + 2], g[2 * 3 + 2]);                         // row 2 used at position 1
        Assert.All(g[(1 * 3)..(2 * 3)].ToArray(), v => Assert.Equal(0f, v));     // row 1 unused
        Assert.Equal(emb.Weight.Span.Slice(2 * 3, 3).ToArray(), y.Span.Slice(3, 3).ToArray());
    }

    [Fact]
    public void EmbeddingRejectsOutOfRangeIds()
    {
        var emb = new Embedding(5, 3, new Rng(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => emb.Forward(new Tape(), Tensor.FromArray([1, 5], 1, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => emb.Forward(new Tape(), Tensor.FromArray([1.5f, 2], 1, 2)));
    }

    [Fact]
    public void PermuteRank3And4()
    {
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 2, 3, 4);
        GradCheck.Check(t => Ops.Permute(t, x, 0, 2, 1), [x]);
        GradCheck.Check(t => Ops.Permute(t, x, 2, 0, 1), [x]);
        var x4 = GradCheck.Random(Seeded, 0.1f, 1f, 2, 3, 2, 3);
        GradCheck.Check(t => Ops.Permute(t, x4, 0, 3, 1, 2), [x4]);
    }

    [Fact]
    public void PermuteMovesElements()
    {
        var x = Tensor.FromArray([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15], 2, 2, 3);
        var y = Ops.Permute(new Tape(), x, 0, 2, 1);
        Assert.Equal([2, 3, 2], y.Shape);
        Assert.Equal([0f, 3, 1, 4, 2, 5, 10, 13, 11, 14, 12, 15], y.Span.ToArray());
    }

    [Theory]
    [InlineData(3, 19, 13)] // full 8×8 blocks plus row and column remainders
    [InlineData(2, 16, 24)] // blocks only
    [InlineData(1, 5, 3)]   // remainders only
    public void PermuteOfTheLastTwoAxesMatchesALoopForwardAndBackward(int b, int rows, int cols)
    {
        var rng = new Rng(9);
        var x = Parameter.Create(b, rows, cols);
        var xs = x.Span;
        for (int i = 0; i < xs.Length; i++) xs[i] = (float)rng.NextGaussian();
        var tape = new Tape();
        var y = Ops.Permute(tape, x, 0, 2, 1);
        var twice = Ops.Permute(tape, x, 0, 2, 1); // x feeds two permutes: the second gradient adds to the first
        var up = new float[y.Length];
        for (int i = 0; i < up.Length; i++) up[i] = (float)rng.NextGaussian();
        tape.Backward(Ops.Add(tape, y, twice), up);
        for (int n = 0; n < b; n++)
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                {
                    int src = (n * rows + i) * cols + j, dst = (n * cols + j) * rows + i;
                    Assert.Equal(xs[src], y.Span[dst]);
                    Assert.Equal(2f * up[dst], x.Grad!.Span[src], 1e-5f);
                }
    }

    [Fact]
    public void AddIsUsedTwice()
    {
        var a = GradCheck.Random(Seeded, 0.1f, 1f, 2, 3, 2);
        var b = GradCheck.Random(Seeded, 0.1f, 1f, 2, 3, 2);
        GradCheck.Check(t => Ops.Add(t, Ops.Add(t, a, b), a), [a, b]);
    }

    [Fact]
    public void ConcatOnChannelAndLastAxes()
    {
        var a = GradCheck.Random(Seeded, 0.1f, 1f, 2, 1, 3, 2);
        var b = GradCheck.Random(Seeded, 0.1f, 1f, 2, 3, 3, 2);
        var c = GradCheck.Random(Seeded, 0.1f, 1f, 2, 2, 3, 2);
        GradCheck.Check(t => Ops.Concat(t, 1, [a, b, c]), [a, b, c]);
        var d = GradCheck.Random(Seeded, 0.1f, 1f, 2, 1, 3, 1);
        GradCheck.Check(t => Ops.Concat(t, -1, [a, d]), [a, d]);
    }

    [Fact]
    public void ChannelDropoutWithAFixedMask()
    {
        var x = GradCheck.Random(Seeded, 0.1f, 1f, 3, 4, 2, 2);
        GradCheck.Check(t => Ops.ChannelDropout(t, x, 0.5f, true, new Rng(3)), [x]);
    }

    [Fact]
    public void ChannelDropoutZeroesWholeMapsAndScalesTheRest()
    {
        var x = Tensor.Zeros(8, 16, 3, 3);
        x.Span.Fill(1f);
        var y = Ops.ChannelDropout(new Tape(), x, 0.25f, true, new Rng(5)).Span;
        int dropped = 0;
        for (int m = 0; m < 8 * 16; m++)
        {
            var map = y.Slice(m * 9, 9).ToArray();
            Assert.True(map.All(v => v == 0f) || map.All(v => v == 1f / 0.75f), $"map {m} is not all zero or all scaled");
            if (map[0] == 0f) dropped++;
        }
        Assert.InRange(dropped, 16, 48); // about a quarter of 128
        Assert.Same(x, new Dropout2d(0.25f, new Rng(5)).Also(d => d.SetTraining(false)).Forward(new Tape(), x));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void ConvNetComposite(int seed)
    {
        // Conv2d → BatchNorm → ReLU → MaxPool → Flatten → Linear, every parameter and the input checked. The input comes
        // from the test's own generator (not the class's shared one), so it does not depend on which tests ran first:
        // a draw that puts a pre-activation within the step of a ReLU or max-pool decision fails the finite difference.
        var rng = new Rng(seed);
        var conv = new Conv2d(2, 3, 3, rng, padding: 1);
        var bn = new BatchNorm(3);
        var linear = new Linear(3 * 2 * 2, 2, rng);
        var net = new Sequential(conv, bn, new Activation(ActivationKind.Relu), new MaxPool2d(2), new Flatten(), linear);
        var x = GradCheck.Random(rng, 0.1f, 1f, 3, 2, 4, 4);
        // A small step keeps ReLU and max-pool decisions fixed; BatchNorm trains (batch statistics depend on x).
        GradCheck.Check(t => net.Forward(t, x), [x, .. net.Parameters()], step: 1e-3f, atol: 3e-3, rtol: 3e-2);
    }

    /// <summary>
    /// The AVX-512 paths exist only on AVX-512 machines: there a case must take the path it is written for; elsewhere it
    /// must not (the general path runs, and the same gradient check covers it).
    /// </summary>
    private static void AssertPath(bool applies, string message)
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) Assert.True(applies, message);
        else Assert.False(applies, "an AVX-512 path must not apply without AVX-512");
    }
}

internal static class ModuleTestExtensions
{
    public static T Also<T>(this T value, Action<T> action) { action(value); return value; }
}
