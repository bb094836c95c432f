using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// Convolutions large enough to be split into batch chunks on two threads: same values as the single-threaded path
/// (up to the summation order of dW), and bit-identical from run to run.
/// </summary>
[Collection("ConvGlobals")] // shares Ops.ConvColumnBudget with ConvGradientTests
public class ConvParallelTests
{
    private static (float[] Y, float[] Dx, float[] Dw, float[] Db) Run(int b, int c, int hw, int o, Window2d window, int budget)
    {
        int savedBudget = Ops.ConvColumnBudget;
        try
        {
            Ops.ConvColumnBudget = budget;
            var rng = new Rng(11);
            var x = Parameter.Create(b, c, hw, hw);
            var w = Parameter.Create(o, c, window.KernelH, window.KernelW);
            var bias = Parameter.Create(o);
            foreach (var t in new[] { x, w, bias }) { var s = t.Span; for (int i = 0; i < s.Length; i++) s[i] = (float)rng.NextGaussian(); }
            var tape = new Tape();
            var y = Ops.Conv2d(tape, x, w, bias, window);
            var up = new float[y.Length];
            for (int i = 0; i < up.Length; i++) up[i] = (float)rng.NextGaussian();
            tape.Backward(y, up);
            return (y.Span.ToArray(), x.Grad!.Span.ToArray(), w.Grad!.Span.ToArray(), bias.Grad!.Span.ToArray());
        }
        finally
        {
            Ops.ConvColumnBudget = savedBudget;
        }
    }

    [Theory]
    [InlineData(9, 8, 16, 16, 3, 1, 1, 1 << 17)] // 9 items, one per SGEMM: uneven chunks
    [InlineData(7, 8, 64, 16, 3, 2, 1, 150000)]  // stride 2, two items per SGEMM, a partial last group
    [InlineData(8, 32, 32, 32, 1, 1, 0, 1 << 17)] // 1×1 direct
    public void MatchesSingleThreadAndIsDeterministic(int b, int c, int hw, int o, int k, int stride, int pad, int budget)
    {
        var window = Window2d.Square(k, stride, pad);
        // The single-threaded reference through the thread-local switch: changing the global WorkerPool.MaxThreads
        // would change the chunking (and dW's summation order) of convolutions in tests running concurrently.
        (float[] Y, float[] Dx, float[] Dw, float[] Db) serial;
        WorkerPool.Serial = true;
        try
        {
            serial = Run(b, c, hw, o, window, budget);
        }
        finally
        {
            WorkerPool.Serial = false;
        }
        var first = Run(b, c, hw, o, window, budget);
        var second = Run(b, c, hw, o, window, budget);
        Assert.Equal(first.Y, second.Y);
        Assert.Equal(first.Dx, second.Dx);
        Assert.Equal(first.Dw, second.Dw);
        Assert.Equal(first.Db, second.Db);
        Assert.Equal(serial.Y, first.Y);   // each item is computed alone either way
        Assert.Equal(serial.Db, first.Db);
        // One thread may also pick another algorithm (a strided dx through the column gradient instead of phase by
        // phase), which sums in another order: dx and dW agree to rounding.
        for (int i = 0; i < serial.Dx.Length; i++) Assert.Equal(serial.Dx[i], first.Dx[i], 1e-4f * (1f + Math.Abs(serial.Dx[i])));
        for (int i = 0; i < serial.Dw.Length; i++) Assert.Equal(serial.Dw[i], first.Dw[i], 1e-3f * (1f + Math.Abs(serial.Dw[i])));
    }
}
