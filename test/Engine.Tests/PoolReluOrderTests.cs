namespace MlNetDeep.Engine.Tests;

/// <summary>
/// SmallCnn and TextCnn apply ReLU after max pooling instead of before: ReLU is monotonic, so both orders must give
/// bit-identical outputs and input gradients, including windows that are all negative and tied maxima.
/// </summary>
public class PoolReluOrderTests
{
    private static (float[] Y, float[] Dx) Run(bool reluFirst, Func<Tape, Tensor, Tensor> pool, int[] shape)
    {
        var rng = new Rng(3);
        var x = Parameter.Create(shape);
        var s = x.Span;
        for (int i = 0; i < s.Length; i++) s[i] = MathF.Round((float)rng.NextGaussian() * 2f) / 2f; // coarse values: ties and zeros
        for (int i = 0; i < Math.Min(8, s.Length); i++) s[i] = -1f - i;                           // an all-negative window
        var tape = new Tape();
        var y = reluFirst ? pool(tape, Ops.Relu(tape, x)) : Ops.Relu(tape, pool(tape, x));
        var up = new float[y.Length];
        for (int i = 0; i < up.Length; i++) up[i] = (float)rng.NextGaussian();
        tape.Backward(y, up);
        return (y.Span.ToArray(), x.Grad!.Span.ToArray());
    }

    [Fact]
    public void MaxPool2dCommutesWithRelu()
    {
        Func<Tape, Tensor, Tensor> pool = (t, v) => Ops.MaxPool2d(t, v, Window2d.Square(2, 2, 0));
        var a = Run(true, pool, [2, 3, 6, 8]);
        var b = Run(false, pool, [2, 3, 6, 8]);
        Assert.Equal(a.Y, b.Y);
        Assert.Equal(a.Dx, b.Dx);
    }

    [Fact]
    public void GlobalMaxPoolCommutesWithRelu()
    {
        Func<Tape, Tensor, Tensor> pool = Ops.GlobalMaxPool;
        var a = Run(true, pool, [3, 4, 9]);
        var b = Run(false, pool, [3, 4, 9]);
        Assert.Equal(a.Y, b.Y);
        Assert.Equal(a.Dx, b.Dx);
    }
}
