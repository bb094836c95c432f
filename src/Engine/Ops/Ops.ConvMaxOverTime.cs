using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>
    /// <see cref="GlobalMaxPool"/>(<see cref="Conv1d"/>(x)): a TextCNN branch, y[b, o] = max over t of the convolution,
    /// with a sparse backward. Only the first maximum of each (b, o) receives a gradient, so instead of two dense
    /// convolution-sized products over a gradient that is zero at all other Lo − 1 positions, backward accumulates from
    /// those B·O positions alone: dW[o, c, j] += Σ_b g[b, o]·x[b, c, p + j·d], dx[b, c, p + j·d] += Σ_o g[b, o]·W[o, c, j]
    /// (p = t*·stride − padding), db[o] += Σ_b g[b, o] — B·O·C·k multiply-adds each instead of B·O·C·k·Lo. Values and
    /// gradients are those of the two ops (up to summation order); the forward convolution is the dense one.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, L)</param>
    /// <param name="weight">(O, C, k)</param>
    /// <param name="bias">(O), or null</param>
    /// <param name="stride">Step between outputs.</param>
    /// <param name="padding">Zero padding at each end.</param>
    /// <param name="dilation">Tap spacing.</param>
    /// <returns>(B, O)</returns>
    public static Tensor Conv1dMaxOverTime(Tape tape, Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0, int dilation = 1)
    {
        // The dense convolution, off the tape: its output is only scanned for the maxima.
        bool recording = tape.IsRecording;
        Tensor full;
        tape.IsRecording = false;
        try
        {
            full = Conv1d(tape, x, weight, bias, stride, padding, dilation); // (B, O, Lo)
        }
        finally
        {
            tape.IsRecording = recording;
        }
        int b = full.Shape[0], o = full.Shape[1], lo = full.Shape[2], c = x.Shape[1], l = x.Shape[2], k = weight.Shape[2];
        var y = tape.NewOutput([b, o], x, weight, bias);
        var argmax = tape.Pool.Rent(false, b * o);
        {
            var fs = full.Span; var ys = y.Span; var am = MemoryMarshal.Cast<float, int>(argmax.Span);
            for (int p = 0; p < b * o; p++)
            {
                int at = TensorPrimitives.IndexOfMax(fs.Slice(p * lo, lo)); // the same rule as GlobalMaxPool
                am[p] = at;
                ys[p] = fs[p * lo + at];
            }
        }

        tape.Record(y, () =>
        {
            if (bias is { RequiresGrad: true })
            {
                var g = y.Grad!.Span; var db = tape.GradOf(bias).Span;
                for (int bi = 0; bi < b; bi++)
                    for (int oc = 0; oc < o; oc++) db[oc] += g[bi * o + oc];
            }
            if (!weight.RequiresGrad && !x.RequiresGrad) return;
            // Channels-last copies make every update a contiguous C-float AXPY: x (B, C, L) → xT (B, L, C) and
            // W (O, C, k) → wT (O, k, C); the gradients are built as dWt (O, k, C) and dxT (B, L, C) and transposed back.
            var pool = tape.Pool;
            if (weight.RequiresGrad)
            {
                var xT = pool.Rent(false, b, l, c);
                Kernels.BatchedTranspose.Run(x.Span, xT.Span, b, c, l, accumulate: false);
                var dWt = pool.Rent(true, o, k, c);
                // Rows of dW are independent: ranges of output channels on several threads, items summed in order.
                Kernels.ParallelRanges.For(o, (long)b * k * c, (o0, o1) =>
                {
                    var g = y.Grad!.Span; var xs = xT.Span; var d = dWt.Span; var am = MemoryMarshal.Cast<float, int>(argmax.Span);
                    for (int oc = o0; oc < o1; oc++)
                        for (int bi = 0; bi < b; bi++)
                        {
                            float gv = g[bi * o + oc];
                            int p0 = am[bi * o + oc] * stride - padding;
                            for (int j = 0; j < k; j++)
                            {
                                int pos = p0 + j * dilation;
                                if ((uint)pos < (uint)l) Kernels.ActivationKernels.Axpy(gv, xs.Slice((bi * l + pos) * c, c), d.Slice((oc * k + j) * c, c));
                            }
                        }
                });
                Kernels.BatchedTranspose.Run(dWt.Span, tape.GradOf(weight).Span, o, k, c, accumulate: true);
            }
            if (x.RequiresGrad)
            {
                var wT = pool.Rent(false, o, k, c);
                Kernels.BatchedTranspose.Run(weight.Span, wT.Span, o, c, k, accumulate: false);
                var dxT = pool.Rent(true, b, l, c);
                // Items are independent: ranges of items on several threads, output channels summed in order.
                Kernels.ParallelRanges.For(b, (long)o * k * c, (b0, b1) =>
                {
                    var g = y.Grad!.Span; var ws = wT.Span; var d = dxT.Span; var am = MemoryMarshal.Cast<float, int>(argmax.Span);
                    for (int bi = b0; bi < b1; bi++)
                        for (int oc = 0; oc < o; oc++)
                        {
                            float gv = g[bi * o + oc];
                            int p0 = am[bi * o + oc] * stride - padding;
                            for (int j = 0; j < k; j++)
                            {
                                int pos = p0 + j * dilation;
                                if ((uint)pos < (uint)l) Kernels.ActivationKernels.Axpy(gv, ws.Slice((oc * k + j) * c, c), d.Slice((bi * l + pos) * c, c));
                            }
                        }
                });
                var dx = tape.GradForWrite(x, out bool overwrite);
                Kernels.BatchedTranspose.Run(dxT.Span, dx.Span, b, l, c, accumulate: !overwrite);
            }
        });
        return y;
    }
}
