using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Tests.Support;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// The fused Conv1d → max-over-time op (TextCNN branches) with its sparse backward: finite differences, and the same
/// values and gradients as the separate Conv1d and GlobalMaxPool ops (bitwise forward; backward up to summation order).
/// </summary>
public class ConvMaxOverTimeTests
{
    private static readonly Rng Seeded = new(31);

    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(2, 1, 2)] // strided, padded, dilated: windows reach into the padding
    public void GradientsMatchFiniteDifferences(int stride, int padding, int dilation)
    {
        var x = GradCheck.Random(Seeded, -1f, 1f, 2, 3, 11);
        var w = GradCheck.Random(Seeded, -1f, 1f, 4, 3, 3);
        var b = GradCheck.Random(Seeded, -0.5f, 0.5f, 4);
        GradCheck.Check(t => Ops.Conv1dMaxOverTime(t, x, w, b, stride, padding, dilation), [x, w, b]);
    }

    [Theory]
    [InlineData(6, 8, 40, 5, 1, 0, 1)]
    [InlineData(64, 64, 100, 4, 1, 0, 1)] // the benchmark's shape: dense conv split into chunks, backward on two threads
    [InlineData(3, 5, 17, 3, 2, 1, 2)]
    public void EqualsConvThenGlobalMaxPool(int batch, int channels, int length, int kernel, int stride, int padding, int dilation)
    {
        (float[] Y, float[] Dx, float[] Dw, float[] Db) Run(bool fused)
        {
            var rng = new Rng(5);
            var x = Parameter.Create(batch, channels, length);
            var layer = new Conv1d(channels, 7, kernel, rng, stride, padding, dilation);
            var xs = x.Span;
            for (int i = 0; i < xs.Length; i++) xs[i] = (float)rng.NextGaussian();
            var tape = new Tape();
            var y = fused
                ? new Sequential(layer, new GlobalMaxPool()).Forward(tape, x)
                : Ops.GlobalMaxPool(tape, layer.Forward(tape, x));
            var up = new float[y.Length];
            for (int i = 0; i < up.Length; i++) up[i] = (float)rng.NextGaussian();
            tape.Backward(y, up);
            return (y.Span.ToArray(), x.Grad!.Span.ToArray(), layer.Weight.Grad!.Span.ToArray(), layer.Bias!.Grad!.Span.ToArray());
        }

        var separate = Run(false);
        var fused = Run(true);
        Assert.Equal(separate.Y, fused.Y);
        foreach (var (a, e) in new[] { (fused.Dx, separate.Dx), (fused.Dw, separate.Dw), (fused.Db, separate.Db) })
            for (int i = 0; i < e.Length; i++) Assert.Equal(e[i], a[i], 1e-4f * (1f + Math.Abs(e[i])));
    }
}
