using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine.Tests;

/// <summary>Vectorised element-wise kernels against scalar references at awkward lengths (vector tails, short inputs).</summary>
public class ElementwiseKernelTests
{
    private static float[] Random(Random rng, int n, float scale = 1f, float offset = 0f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = offset + scale * (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.01f)]
    [InlineData(-0.5f)]
    public void LeakyReluForwardAndBackwardMatchScalar(float alpha)
    {
        var rng = new Random(7);
        for (int n = 0; n <= 67; n++)
        {
            var x = Random(rng, n);
            if (n > 3) x[3] = 0f;
            var dy = Random(rng, n);
            var dx = Random(rng, n);
            var y = new float[n];
            ActivationKernels.LeakyRelu(x, y, alpha);
            var expectDx = (float[])dx.Clone();
            ActivationKernels.LeakyReluBackward(x, dy, dx, alpha, accumulate: true);
            var fresh = Random(rng, n); // contents undefined before an overwrite
            ActivationKernels.LeakyReluBackward(x, dy, fresh, alpha, accumulate: false);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(x[i] > 0f ? x[i] : alpha * x[i], y[i]);
                Assert.Equal(expectDx[i] + (x[i] > 0f ? dy[i] : alpha * dy[i]), dx[i]);
                Assert.Equal(x[i] > 0f ? dy[i] : alpha * dy[i], fresh[i]);
            }
        }
    }

    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(3, 5, 1)]
    [InlineData(2, 3, 17)]
    [InlineData(4, 7, 67)]
    [InlineData(5, 3, 16)]
    [InlineData(2, 1, 33)]
    public void BatchNormPassesMatchDoubleReference(int b, int c, int s)
    {
        var rng = new Random(b * 100 + c * 10 + s);
        var x = Random(rng, b * c * s, 2f, 3f); // offset mean: the two-pass variance must not cancel
        var dy = Random(rng, x.Length);
        var xhat = new float[x.Length];
        var y = new float[x.Length];
        var dx = Random(rng, x.Length);
        var dx0 = (float[])dx.Clone();
        int n = b * s;
        for (int ch = 0; ch < c; ch++)
        {
            double mean = 0, sq = 0;
            for (int i = 0; i < b; i++) for (int j = 0; j < s; j++) mean += x[(i * c + ch) * s + j];
            mean /= n;
            for (int i = 0; i < b; i++) for (int j = 0; j < s; j++) { double d = x[(i * c + ch) * s + j] - mean; sq += d * d; }
            var (m, v) = BatchNormKernels.Statistics(x, b, c, s, ch);
            Assert.Equal(mean, m, tolerance: 1e-5);
            Assert.Equal(sq / n, v, tolerance: 1e-4);

            float r = (float)(1.0 / Math.Sqrt(v + 1e-5)), gamma = 0.5f + ch, beta = -0.25f * ch;
            BatchNormKernels.Normalise(x, y, b, c, s, ch, (float)m, r, gamma, beta);
            for (int i = 0; i < b; i++)
                for (int j = 0; j < s; j++) { int at = (i * c + ch) * s + j; xhat[at] = (float)((x[at] - m) * r); }
            double sumDy = 0, sumDyXhat = 0;
            for (int i = 0; i < b; i++)
                for (int j = 0; j < s; j++)
                {
                    int at = (i * c + ch) * s + j;
                    double h = (x[at] - m) * r;
                    Assert.Equal(h, xhat[at], tolerance: 1e-4);
                    Assert.Equal(gamma * h + beta, y[at], tolerance: 1e-4);
                    sumDy += dy[at];
                    sumDyXhat += dy[at] * (double)xhat[at];
                }
            var (sd, sdx) = BatchNormKernels.GradientSums(dy, x, b, c, s, ch, (float)m, r);
            Assert.Equal(sumDy, sd, tolerance: 1e-4);
            Assert.Equal(sumDyXhat, sdx, tolerance: 1e-4);

            float k = gamma * r, shift = (float)(k * sd / n), slope = (float)(k * sdx / n);
            BatchNormKernels.InputGradient(dy, x, dx, b, c, s, ch, (float)m, r, k, shift, slope, accumulate: true);
            var fresh = Random(rng, x.Length); // contents undefined before an overwrite
            BatchNormKernels.InputGradient(dy, x, fresh, b, c, s, ch, (float)m, r, k, shift, slope, accumulate: false);
            for (int i = 0; i < b; i++)
                for (int j = 0; j < s; j++)
                {
                    int at = (i * c + ch) * s + j;
                    double term = k * (dy[at] - sd / n - xhat[at] * sdx / n);
                    Assert.Equal(dx0[at] + term, dx[at], tolerance: 1e-3);
                    Assert.Equal(term, fresh[at], tolerance: 1e-3);
                }
        }
    }
}

/// <summary>The 2×2 stride-2 max-pool kernel against the generic window scan (values, arg-max, ties, −∞, NaN).</summary>
public class MaxPool2x2Tests
{
    [Theory]
    [InlineData(1, 2, 2)]
    [InlineData(3, 2, 4)]
    [InlineData(5, 4, 6)]
    [InlineData(7, 6, 2)]
    [InlineData(2, 28, 28)]
    [InlineData(3, 14, 14)]
    [InlineData(1, 8, 34)]
    [InlineData(3, 4, 16)]
    [InlineData(2, 2, 12)]
    [InlineData(2, 6, 40)]
    public void MatchesGenericScan(int planes, int h, int w)
    {
        var rng = new Random(planes * 1000 + h * 10 + w);
        var x = new float[planes * h * w];
        for (int i = 0; i < x.Length; i++)
        {
            int kind = rng.Next(12);
            x[i] = kind switch
            {
                0 => float.NaN,
                1 => float.NegativeInfinity,
                2 or 3 => 1f, // ties
                _ => (float)rng.NextDouble() * 4 - 2,
            };
        }
        var win = Window2d.Square(2, 2);
        Assert.True(Kernels.MaxPool2x2.Applies(h, w, win));
        int outLen = planes * (h / 2) * (w / 2);
        var yRef = new float[outLen]; var aRef = new int[outLen];
        Ops.MaxPoolGeneric(x, yRef, aRef, planes, h, w, win);
        var y = new float[outLen]; var a = new int[outLen];
        Kernels.MaxPool2x2.Forward(x, y, a, new float[x.Length / 2], new int[x.Length / 2], h, w);
        for (int i = 0; i < outLen; i++)
        {
            Assert.Equal(yRef[i], y[i]);
            Assert.Equal(aRef[i], a[i]);
        }
    }
}

/// <summary>The vectorised Adam update against its scalar formula, bit for bit (no fused multiply-add in either).</summary>
public class AdamUpdateTests
{
    [Fact]
    public void MatchesScalarFormulaAtAllTailLengths()
    {
        var rng = new Random(5);
        for (int n = 0; n <= 67; n++)
        {
            float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n];
            for (int i = 0; i < n; i++)
            {
                p[i] = (float)rng.NextDouble() - 0.5f; g[i] = (float)rng.NextDouble() - 0.5f;
                m[i] = (float)rng.NextDouble() * 0.1f; v[i] = (float)rng.NextDouble() * 0.01f;
            }
            float[] pe = (float[])p.Clone(), me = (float[])m.Clone(), ve = (float[])v.Clone();
            const float b1 = 0.9f, b2 = 0.999f, step = 1e-3f / 0.19f, root = 0.0447f, eps = 1e-8f;
            Optimizers.Adam.Update(p, g, m, v, b1, b2, step, root, eps);
            for (int i = 0; i < n; i++)
            {
                me[i] = b1 * me[i] + (1f - b1) * g[i];
                ve[i] = b2 * ve[i] + (1f - b2) * g[i] * g[i];
                pe[i] -= step * me[i] / (MathF.Sqrt(ve[i]) / root + eps);
                Assert.Equal(me[i], m[i]);
                Assert.Equal(ve[i], v[i]);
                Assert.Equal(pe[i], p[i]);
            }
        }
    }
}
