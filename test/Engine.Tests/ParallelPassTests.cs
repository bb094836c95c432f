using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// Batch norm, ReLU, max pooling and addition on tensors large enough to be split across threads
/// (<see cref="ParallelRanges.MinFloats"/>): bit-identical to the single-threaded run, forward and backward, including
/// a tensor whose gradient gets two contributions (the first overwrites a fresh buffer, the second adds).
/// </summary>
public class ParallelPassTests
{
    private static float[][] Run(int b, int c, int hw)
    {
        var rng = new Rng(5);
        var x = Parameter.Create(b, c, hw, hw);
        var gamma = Parameter.Create(c);
        var beta = Parameter.Create(c);
        foreach (var t in new[] { x, gamma, beta }) { var s = t.Span; for (int i = 0; i < s.Length; i++) s[i] = (float)rng.NextGaussian(); }
        var runningMean = new Tensor(new float[c], c);
        var runningVar = new Tensor(new float[c], c);
        runningVar.Span.Fill(1f);
        var tape = new Tape();
        var normalised = Ops.BatchNorm(tape, x, gamma, beta, runningMean, runningVar, training: true, momentum: 0.1f, epsilon: 1e-5f);
        var activated = Ops.Relu(tape, normalised);
        var joined = Ops.Add(tape, activated, normalised); // normalised feeds two ops: its gradient is overwritten, then added to
        var pooled = Ops.MaxPool2d(tape, joined, Window2d.Square(2, 2, 0));
        var upstream = new float[pooled.Length];
        for (int i = 0; i < upstream.Length; i++) upstream[i] = (float)rng.NextGaussian();
        tape.Backward(pooled, upstream);
        return [pooled.Span.ToArray(), runningMean.Span.ToArray(), runningVar.Span.ToArray(), x.Grad!.Span.ToArray(),
            gamma.Grad!.Span.ToArray(), beta.Grad!.Span.ToArray()];
    }

    [Theory]
    [InlineData(8, 16, 32)] // 131 Ki floats: split
    [InlineData(3, 5, 6)]   // tiny: one range
    public void MatchesSingleThreadBitwise(int b, int c, int hw)
    {
        float[][] serial;
        WorkerPool.Serial = true; // thread-local, so concurrent tests keep their own thread count
        try
        {
            serial = Run(b, c, hw);
        }
        finally
        {
            WorkerPool.Serial = false;
        }
        var parallel = Run(b, c, hw);
        for (int i = 0; i < serial.Length; i++) Assert.Equal(serial[i], parallel[i]);
    }
}
