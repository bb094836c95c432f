namespace MlNetDeep.Onnx.Tests.Support.Conformance;

/// <summary>
/// Plain, slow reference implementations of the ONNX semantics the decoded <see cref="ConvCase"/>,
/// <see cref="PoolCase"/> and <see cref="RnnCase"/> describe (N-d spatial, NCHW…). They are checked against the
/// conformance outputs, so they pin down how the decoded parameters are meant (pads order, ceil_mode,
/// count_include_pad, gate order) and can serve as an oracle for inputs the fixtures do not cover.
/// </summary>
internal static class ConformanceReference
{
    /// <summary>ONNX Conv: Y (N, M, out…) with out = ⌊(in + pb + pe − d·(k−1) − 1)/s⌋ + 1.</summary>
    public static (float[] values, int[] shape) Conv(ConvCase p)
    {
        int[] xs = p.X.Shape, ws = p.W.Shape;
        int n = xs[0], c = xs[1], m = ws[0], cg = ws[1], mg = m / p.Group;
        int[] inSp = xs[2..];
        int[] outSp = OutputSize(inSp, p.KernelShape, p.Strides, p.PadsBegin, p.PadsEnd, p.Dilations, ceil: false);
        int inSize = Product(inSp), outSize = Product(outSp), kSize = Product(p.KernelShape);
        float[] x = p.X.Floats, w = p.W.Floats, y = new float[n * m * outSize];
        for (int b = 0; b < n; b++)
        for (int oc = 0; oc < m; oc++)
        {
            int g = oc / mg;
            for (int o = 0; o < outSize; o++)
            {
                int[] oi = Unravel(o, outSp);
                double sum = p.B?.Floats[oc] ?? 0;
                for (int ic = 0; ic < cg; ic++)
                for (int k = 0; k < kSize; k++)
                {
                    int[] ki = Unravel(k, p.KernelShape);
                    int src = InputIndex(oi, ki, p.Strides, p.PadsBegin, p.Dilations, inSp);
                    if (src < 0) continue;
                    sum += x[(b * c + g * cg + ic) * inSize + src] * w[(oc * cg + ic) * kSize + k];
                }

                y[(b * m + oc) * outSize + o] = (float)sum;
            }
        }

        return (y, [n, m, .. outSp]);
    }

    /// <summary>
    /// ONNX MaxPool / AveragePool: windows of dilated kernels; ceil_mode rounds the output size up; an average
    /// divides by the in-input count (count_include_pad = 0) or by the count inside the padded input (= 1).
    /// </summary>
    public static (float[] values, int[] shape) Pool(PoolCase p)
    {
        int[] xs = p.X.Shape;
        int n = xs[0], c = xs[1];
        int[] inSp = xs[2..];
        int[] outSp = OutputSize(inSp, p.KernelShape, p.Strides, p.PadsBegin, p.PadsEnd, p.Dilations, p.CeilMode);
        int inSize = Product(inSp), outSize = Product(outSp), kSize = Product(p.KernelShape);
        float[] x = p.X.Floats, y = new float[n * c * outSize];
        for (int plane = 0; plane < n * c; plane++)
        for (int o = 0; o < outSize; o++)
        {
            int[] oi = Unravel(o, outSp);
            double acc = p.IsMax ? double.NegativeInfinity : 0;
            int inside = 0, padded = 0;
            for (int k = 0; k < kSize; k++)
            {
                int[] ki = Unravel(k, p.KernelShape);
                bool inPadded = true;
                for (int d = 0; d < inSp.Length; d++)
                {
                    int pos = oi[d] * p.Strides[d] - p.PadsBegin[d] + ki[d] * p.Dilations[d];
                    inPadded &= pos >= -p.PadsBegin[d] && pos < inSp[d] + p.PadsEnd[d];
                }

                if (inPadded) padded++;
                int src = InputIndex(oi, ki, p.Strides, p.PadsBegin, p.Dilations, inSp);
                if (src < 0) continue;
                inside++;
                float v = x[plane * inSize + src];
                acc = p.IsMax ? Math.Max(acc, v) : acc + v;
            }

            y[plane * outSize + o] = (float)(p.IsMax ? acc : acc / (p.CountIncludePad ? padded : inside));
        }

        return (y, [n, c, .. outSp]);
    }

    /// <summary>
    /// ONNX RNN (tanh), GRU (σ, tanh) and LSTM (σ, tanh, tanh), direction forward, default activations.
    /// Returns Y (seq, 1, batch, H), Y_h (1, batch, H) and Y_c (1, batch, H; LSTM only, else null).
    /// </summary>
    public static (float[] y, float[] yh, float[]? yc) Rnn(RnnCase p)
    {
        if (p.Direction != "forward") throw new NotSupportedException($"{p.Case.Name}: direction {p.Direction}.");
        int t = p.SeqLength, nb = p.Batch, h = p.HiddenSize;
        float[] x = p.X.Floats, hState = (float[])p.InitialH.Clone(), cState = (float[])p.InitialC.Clone();
        var y = new float[t * nb * h];
        float[][] wg = Enumerable.Range(0, p.Gates).Select(p.WGate).ToArray(), rg = Enumerable.Range(0, p.Gates).Select(p.RGate).ToArray();
        float[][] wb = Enumerable.Range(0, p.Gates).Select(p.WbGate).ToArray(), rb = Enumerable.Range(0, p.Gates).Select(p.RbGate).ToArray();
        for (int step = 0; step < t; step++)
        {
            var next = (float[])hState.Clone();
            var nextC = (float[])cState.Clone();
            for (int b = 0; b < nb; b++)
            {
                if (p.SequenceLens is { } lens && step >= lens[b]) continue;   // finished rows keep their state
                float[] xt = x.AsSpan((step * nb + b) * p.InputSize, p.InputSize).ToArray();
                float[] ht = hState.AsSpan(b * h, h).ToArray();
                // GRU with linear_before_reset = 0 needs every unit's reset gate before any candidate.
                var reset = new double[h];
                if (p.OpType == "GRU")
                    for (int k = 0; k < h; k++)
                        reset[k] = Sigmoid(Dot(xt, wg[1].AsSpan(k * p.InputSize, p.InputSize)) + wb[1][k] + Dot(ht, rg[1].AsSpan(k * h, h)) + rb[1][k]);
                for (int j = 0; j < h; j++)
                {
                    double Xw(int g) => Dot(xt, wg[g].AsSpan(j * p.InputSize, p.InputSize)) + wb[g][j];
                    double Hr(int g) => Dot(ht, rg[g].AsSpan(j * h, h)) + rb[g][j];
                    int at = b * h + j;
                    switch (p.OpType)
                    {
                        case "RNN":
                            next[at] = (float)Math.Tanh(Xw(0) + Hr(0));
                            break;
                        case "GRU":   // gates z, r, h
                        {
                            double z = Sigmoid(Xw(0) + Hr(0)), r = reset[j];
                            double hh;
                            if (p.LinearBeforeReset) hh = Math.Tanh(Xw(2) + r * Hr(2));
                            else
                            {
                                double rh = rb[2][j];
                                for (int k = 0; k < h; k++) rh += reset[k] * ht[k] * rg[2][j * h + k];
                                hh = Math.Tanh(Xw(2) + rh);
                            }

                            next[at] = (float)((1 - z) * hh + z * ht[j]);
                            break;
                        }
                        case "LSTM":  // gates i, o, f, c
                        {
                            double i = Sigmoid(Xw(0) + Hr(0)), o = Sigmoid(Xw(1) + Hr(1)), f = Sigmoid(Xw(2) + Hr(2));
                            double cc = f * cState[at] + i * Math.Tanh(Xw(3) + Hr(3));
                            nextC[at] = (float)cc;
                            next[at] = (float)(o * Math.Tanh(cc));
                            break;
                        }
                    }
                }

            }

            for (int b = 0; b < nb; b++)
                if (p.SequenceLens is not { } lens || step < lens[b])
                    Array.Copy(next, b * h, y, (step * nb + b) * h, h);
            hState = next;
            cState = nextC;
        }

        return (y, hState, p.Gates == 4 ? cState : null);
    }

    internal static int[] OutputSize(int[] input, int[] kernel, int[] strides, int[] padsBegin, int[] padsEnd, int[] dilations, bool ceil)
    {
        var result = new int[input.Length];
        for (int d = 0; d < input.Length; d++)
        {
            double span = input[d] + padsBegin[d] + padsEnd[d] - ((kernel[d] - 1) * dilations[d] + 1);
            result[d] = (int)(ceil ? Math.Ceiling(span / strides[d]) : Math.Floor(span / strides[d])) + 1;
        }

        return result;
    }

    /// <summary>Flat input index of a kernel tap, or −1 when it falls into padding / outside the input.</summary>
    private static int InputIndex(int[] outIndex, int[] kernelIndex, int[] strides, int[] padsBegin, int[] dilations, int[] input)
    {
        int flat = 0;
        for (int d = 0; d < input.Length; d++)
        {
            int pos = outIndex[d] * strides[d] - padsBegin[d] + kernelIndex[d] * dilations[d];
            if (pos < 0 || pos >= input[d]) return -1;
            flat = flat * input[d] + pos;
        }

        return flat;
    }

    private static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }

        return index;
    }

    private static int Product(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
}
