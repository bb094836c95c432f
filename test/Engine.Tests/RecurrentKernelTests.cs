using MlNetDeep.Engine;

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
}
