using MlNetDeep.Engine;
using MlNetDeep.Engine.Kernels;
using MlNetDeep.Engine.Tests.Support;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// The fused LSTM cell kernels against a double-precision reference, at hidden sizes that use the 16-lane vector
/// loop, its scalar remainder, or both (the layer-level tests use H ≤ 4, i.e. the remainder only).
/// </summary>
public class RecurrentKernelTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(37)]
    public void LstmForwardAndBackwardMatchTheEquations(int h)
    {
        var rng = new Random(7 + h);
        float[] Rand(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
        var pre = Rand(4 * h, 6); // wide enough to saturate σ and tanh
        if (h >= 16)
        {
            // Far outside exp's range and tiny values, in the vector lanes.
            pre[0] = 100f; pre[1] = -100f; pre[2] = 1e-6f; pre[h] = -90f;
            pre[3 * h] = 50f; pre[3 * h + 1] = -1e-5f; pre[3 * h + 2] = -45f;
        }
        var cPrev = Rand(h, 2);
        var gates = (float[])pre.Clone();
        float[] cNext = new float[h], tanhC = new float[h], hNext = new float[h];
        RecurrentKernels.LstmForward(gates, cPrev, cNext, tanhC, hNext, h);

        var dh = Rand(h, 1);
        var dc = Rand(h, 1);
        var dcIn = (float[])dc.Clone();
        var dGates = new float[4 * h];
        RecurrentKernels.LstmBackward(gates, tanhC, cPrev, dh, dc, dGates, h);

        static double Sig(double x) => 1 / (1 + Math.Exp(-x));
        static void Close(double expected, float actual) =>
            Assert.True(Math.Abs(expected - actual) <= 1e-6 + 1e-5 * Math.Abs(expected), $"expected {expected}, got {actual}");
        for (int j = 0; j < h; j++)
        {
            double i = Sig(pre[j]), o = Sig(pre[h + j]), f = Sig(pre[2 * h + j]), g = Math.Tanh(pre[3 * h + j]);
            double c = f * cPrev[j] + i * g, tc = Math.Tanh(c);
            Close(i, gates[j]);
            Close(o, gates[h + j]);
            Close(f, gates[2 * h + j]);
            Close(g, gates[3 * h + j]);
            Close(c, cNext[j]);
            Close(tc, tanhC[j]);
            Close(o * tc, hNext[j]);

            double dcj = dcIn[j] + dh[j] * o * (1 - tc * tc);
            Close(dcj * g * i * (1 - i), dGates[j]);
            Close(dh[j] * tc * o * (1 - o), dGates[h + j]);
            Close(dcj * cPrev[j] * f * (1 - f), dGates[2 * h + j]);
            Close(dcj * i * (1 - g * g), dGates[3 * h + j]);
            Close(dcj * f, dc[j]);
        }
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm, false)]
    [InlineData(RecurrentCellKind.Lstm, true)]
    [InlineData(RecurrentCellKind.Gru, false)]
    [InlineData(RecurrentCellKind.Rnn, true)]
    public void ResultsAreBitwiseTheSameForAnyThreadCount(RecurrentCellKind cell, bool bidirectional)
    {
        // B = 37 splits into concurrent row chunks when threads allow; lengths vary so padding is exercised.
        const int b = 37, t = 6, inF = 5, h = 20;
        int[] lengths = Enumerable.Range(0, b).Select(i => 1 + i % t).ToArray();
        float[] Run(int threads)
        {
            int saved = WorkerPool.MaxThreads;
            WorkerPool.MaxThreads = threads;
            try
            {
                var rng = new Rng(5);
                int dirs = bidirectional ? 2 : 1, gh = Ops.GateCount(cell) * h;
                var x = GradCheck.Random(rng, -1f, 1f, b, t, inF);
                var w = GradCheck.Random(rng, -0.5f, 0.5f, dirs, gh, inF);
                var r = GradCheck.Random(rng, -0.5f, 0.5f, dirs, gh, h);
                var bias = GradCheck.Random(rng, -0.5f, 0.5f, dirs, 2 * gh);
                foreach (var p in new[] { x, w, r, bias }) p.RequiresGrad = true;
                var tape = new Tape();
                var y = Ops.Recurrent(tape, cell, x, w, r, bias, lengths);
                var up = Enumerable.Range(0, y.Output.Length).Select(i => MathF.Sin(i)).ToArray();
                tape.Backward(y.Output, up);
                return [.. y.Output.Span, .. y.FinalHidden.Span, .. x.Grad!.Span, .. w.Grad!.Span, .. r.Grad!.Span, .. bias.Grad!.Span];
            }
            finally
            {
                WorkerPool.MaxThreads = saved;
            }
        }

        var one = Run(1);
        var many = Run(4);
        Assert.Equal(one.Length, many.Length);
        for (int i = 0; i < one.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(one[i]), BitConverter.SingleToInt32Bits(many[i]));
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    [InlineData(RecurrentCellKind.Rnn)]
    public void ASequenceGivesBitwiseTheSameResultsAloneAndInABatch(RecurrentCellKind cell)
    {
        // Alone (few-row product path) and as row 3 of 9 (products with R packed once): identical sums.
        const int t = 5, inF = 6, h = 24, b = 9, row = 3;
        int gh = Ops.GateCount(cell) * h;
        var rng = new Rng(11);
        var xs = GradCheck.Random(rng, -1f, 1f, b, t, inF);
        var w = GradCheck.Random(rng, -0.5f, 0.5f, 2, gh, inF);
        var r = GradCheck.Random(rng, -0.5f, 0.5f, 2, gh, h);
        var bias = GradCheck.Random(rng, -0.5f, 0.5f, 2, 2 * gh);
        (float[] Out, float[] Dx) Run(Tensor x, int n)
        {
            x.RequiresGrad = true;
            var tape = new Tape();
            var y = Ops.Recurrent(tape, cell, x, w, r, bias);
            tape.Backward(y.Output, Enumerable.Range(0, y.Output.Length).Select(i => MathF.Cos(i % (t * 2 * h))).ToArray());
            return (y.Output.Span.ToArray(), x.Grad!.Span.ToArray());
        }
        var alone = Tensor.Zeros(1, t, inF);
        xs.Span.Slice(row * t * inF, t * inF).CopyTo(alone.Span);
        var (outA, dxA) = Run(alone, 1);
        var (outB, dxB) = Run(xs, b);
        for (int i = 0; i < outA.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(outA[i]), BitConverter.SingleToInt32Bits(outB[row * t * 2 * h + i]));
        for (int i = 0; i < dxA.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(dxA[i]), BitConverter.SingleToInt32Bits(dxB[row * t * inF + i]));
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    [InlineData(RecurrentCellKind.Rnn)]
    public void InferenceWithRollingStateBuffersMatchesTheRecordedForwardBitwise(RecurrentCellKind cell)
    {
        const int b = 7, t = 6, inF = 4, h = 20;
        int gh = Ops.GateCount(cell) * h;
        var rng = new Rng(13);
        var x = GradCheck.Random(rng, -1f, 1f, b, t, inF);
        var w = GradCheck.Random(rng, -0.5f, 0.5f, 2, gh, inF);
        var r = GradCheck.Random(rng, -0.5f, 0.5f, 2, gh, h);
        var bias = GradCheck.Random(rng, -0.5f, 0.5f, 2, 2 * gh);
        int[] lengths = [6, 1, 3, 6, 2, 5, 4];
        float[] Run(bool recording)
        {
            w.RequiresGrad = recording;
            var tape = new Tape { IsRecording = recording };
            var y = Ops.Recurrent(tape, cell, x, w, r, bias, lengths);
            Assert.Equal(recording, y.Output.RequiresGrad);
            return [.. y.Output.Span, .. y.FinalHidden.Span, .. (y.FinalCell is null ? [] : y.FinalCell.Span.ToArray())];
        }
        var recorded = Run(true);
        var inferred = Run(false);
        for (int i = 0; i < recorded.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(recorded[i]), BitConverter.SingleToInt32Bits(inferred[i]));
    }
}
