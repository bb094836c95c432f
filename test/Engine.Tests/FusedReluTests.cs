namespace MlNetDeep.Engine.Tests;

/// <summary>
/// The fused BatchNorm → ReLU and Add → ReLU passes of the residual blocks against the separate ops: bit-identical
/// outputs, running statistics and gradients (the fused backward reads ReLU's mask from the output).
/// </summary>
public class FusedReluTests
{
    private static Tensor Random(Rng rng, params int[] shape)
    {
        var t = Parameter.Create(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = (float)rng.NextGaussian();
        return t;
    }

    private static float[] Upstream(Rng rng, int length)
    {
        var up = new float[length];
        for (int i = 0; i < length; i++) up[i] = (float)rng.NextGaussian();
        return up;
    }

    [Theory]
    [InlineData(4, 5, 36)]   // small: one range
    [InlineData(8, 16, 1024)] // large enough to be split across threads
    public void BatchNormReluEqualsReluOfBatchNorm(int b, int c, int s)
    {
        float[][] Run(bool fused)
        {
            var rng = new Rng(21);
            var x = Random(rng, b, c, s);
            var gamma = Random(rng, c);
            var beta = Random(rng, c);
            var mean = Tensor.Zeros(c);
            var variance = Tensor.Zeros(c);
            variance.Span.Fill(1f);
            var tape = new Tape();
            var y = fused
                ? Ops.BatchNormRelu(tape, x, gamma, beta, mean, variance, true, 0.1f, 1e-5f)
                : Ops.Relu(tape, Ops.BatchNorm(tape, x, gamma, beta, mean, variance, true, 0.1f, 1e-5f));
            tape.Backward(y, Upstream(rng, y.Length));
            return [y.Span.ToArray(), x.Grad!.Span.ToArray(), gamma.Grad!.Span.ToArray(), beta.Grad!.Span.ToArray(),
                mean.Span.ToArray(), variance.Span.ToArray()];
        }

        var separate = Run(false);
        var fused = Run(true);
        Assert.Contains(separate[0], v => v == 0f); // the ReLU did cut something
        for (int i = 0; i < separate.Length; i++) Assert.Equal(separate[i], fused[i]);
    }

    [Fact]
    public void AddReluEqualsReluOfAdd()
    {
        float[][] Run(bool fused)
        {
            var rng = new Rng(22);
            var a = Random(rng, 4, 3, 50);
            var b = Random(rng, 4, 3, 50);
            var tape = new Tape();
            var y = fused ? Ops.AddRelu(tape, a, b) : Ops.Relu(tape, Ops.Add(tape, a, b));
            var z = Ops.Add(tape, y, a); // a gets a second gradient contribution: the fused pass must add, not overwrite
            tape.Backward(z, Upstream(rng, z.Length));
            return [y.Span.ToArray(), a.Grad!.Span.ToArray(), b.Grad!.Span.ToArray()];
        }

        var separate = Run(false);
        var fused = Run(true);
        for (int i = 0; i < separate.Length; i++) Assert.Equal(separate[i], fused[i]);
    }
}
