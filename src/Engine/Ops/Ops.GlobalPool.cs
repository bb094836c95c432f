using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>
    /// Mean over every position of each channel (ONNX GlobalAveragePool followed by Flatten):
    /// y[b, c] = mean over S of x[b, c, …], S the product of the dimensions after C.
    /// Backward (accumulates +=): dx[b, c, s] += dy[b, c] / S.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, …) with at least one dimension after C</param>
    /// <returns>(B, C)</returns>
    public static Tensor GlobalAvgPool(Tape tape, Tensor x)
    {
        if (x.Rank < 3) throw new ArgumentException($"GlobalAvgPool expects (B, C, …) with spatial dimensions, got {x}.", nameof(x));
        int b = x.Shape[0], c = x.Shape[1], s = x.Length / Math.Max(1, b * c);
        var y = tape.NewOutput([b, c], x);
        var xs = x.Span; var ys = y.Span;
        for (int p = 0; p < b * c; p++) ys[p] = TensorPrimitives.Sum(xs.Slice(p * s, s)) / s;
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dy = y.Grad!.Span; var dx = tape.GradOf(x).Span;
            for (int p = 0; p < b * c; p++)
            {
                var d = dx.Slice(p * s, s);
                TensorPrimitives.Add(d, dy[p] / s, d);
            }
        });
        return y;
    }

    /// <summary>
    /// Maximum over every position of each channel (max-over-time for text CNNs; ONNX GlobalMaxPool followed by Flatten):
    /// y[b, c] = max over S of x[b, c, …]. Backward (accumulates +=) routes dy to the first maximum.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, …) with at least one dimension after C, e.g. (B, C, L)</param>
    /// <returns>(B, C)</returns>
    public static Tensor GlobalMaxPool(Tape tape, Tensor x)
    {
        if (x.Rank < 3) throw new ArgumentException($"GlobalMaxPool expects (B, C, …) with spatial dimensions, got {x}.", nameof(x));
        int b = x.Shape[0], c = x.Shape[1], s = x.Length / Math.Max(1, b * c);
        if (s == 0) throw new ArgumentException($"GlobalMaxPool needs at least one position, got {x}.", nameof(x));
        var y = tape.NewOutput([b, c], x);
        var argmax = tape.Pool.Rent(false, b * c);
        var xs = x.Span; var ys = y.Span; var am = MemoryMarshal.Cast<float, int>(argmax.Span);
        for (int p = 0; p < b * c; p++)
        {
            int at = TensorPrimitives.IndexOfMax(xs.Slice(p * s, s));
            am[p] = at;
            ys[p] = xs[p * s + at];
        }
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dy = y.Grad!.Span; var dx = tape.GradOf(x).Span; var a = MemoryMarshal.Cast<float, int>(argmax.Span);
            for (int p = 0; p < b * c; p++) dx[p * s + a[p]] += dy[p];
        });
        return y;
    }

    /// <summary>
    /// Adaptive pooling to an (outH, outW) grid (PyTorch AdaptiveMaxPool2d / AdaptiveAvgPool2d): bin (i, j) covers rows
    /// ⌊i·H/outH⌋ … ⌈(i+1)·H/outH⌉ − 1 and the matching columns, so bins may overlap and any H, W ≥ 1 works.
    /// This is one level of spatial pyramid pooling. Backward (accumulates +=): max routes dy to the bin's first
    /// maximum, average spreads dy / (bin size) over the bin.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, H, W)</param>
    /// <param name="outH">Bins per column.</param>
    /// <param name="outW">Bins per row.</param>
    /// <param name="max">Maximum (true) or mean (false) per bin.</param>
    /// <returns>(B, C, outH, outW)</returns>
    public static Tensor AdaptivePool2d(Tape tape, Tensor x, int outH, int outW, bool max)
    {
        if (x.Rank != 4) throw new ArgumentException($"AdaptivePool2d expects (B, C, H, W), got {x}.", nameof(x));
        if (outH <= 0 || outW <= 0) throw new ArgumentException($"AdaptivePool2d needs a positive grid, got ({outH}, {outW}).");
        int b = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3], plane = h * w, outPlane = outH * outW;
        if (h == 0 || w == 0) throw new ArgumentException($"AdaptivePool2d needs a non-empty plane, got {x}.", nameof(x));
        var y = tape.NewOutput([b, c, outH, outW], x);
        var argmax = max ? tape.Pool.Rent(false, y.Length) : null;
        var xs = x.Span; var ys = y.Span;
        var am = max ? MemoryMarshal.Cast<float, int>(argmax!.Span) : default;
        for (int p = 0; p < b * c; p++)
        {
            var xp = xs.Slice(p * plane, plane);
            for (int bi = 0; bi < outH; bi++)
            {
                int i0 = bi * h / outH, i1 = ((bi + 1) * h + outH - 1) / outH;
                for (int bj = 0; bj < outW; bj++)
                {
                    int j0 = bj * w / outW, j1 = ((bj + 1) * w + outW - 1) / outW;
                    int o = p * outPlane + bi * outW + bj;
                    if (max)
                    {
                        float best = float.NegativeInfinity; int at = i0 * w + j0;
                        for (int i = i0; i < i1; i++)
                            for (int j = j0; j < j1; j++)
                                if (xp[i * w + j] > best) { best = xp[i * w + j]; at = i * w + j; }
                        ys[o] = best;
                        am[o] = at;
                    }
                    else
                    {
                        float sum = 0f;
                        for (int i = i0; i < i1; i++) sum += TensorPrimitives.Sum(xp.Slice(i * w + j0, j1 - j0));
                        ys[o] = sum / ((i1 - i0) * (j1 - j0));
                    }
                }
            }
        }
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dy = y.Grad!.Span; var dx = tape.GradOf(x).Span;
            var a = max ? MemoryMarshal.Cast<float, int>(argmax!.Span) : default;
            for (int p = 0; p < b * c; p++)
            {
                var dxp = dx.Slice(p * plane, plane);
                for (int bi = 0; bi < outH; bi++)
                {
                    int i0 = bi * h / outH, i1 = ((bi + 1) * h + outH - 1) / outH;
                    for (int bj = 0; bj < outW; bj++)
                    {
                        int o = p * outPlane + bi * outW + bj;
                        if (max) { dxp[a[o]] += dy[o]; continue; }
                        int j0 = bj * w / outW, j1 = ((bj + 1) * w + outW - 1) / outW;
                        float g = dy[o] / ((i1 - i0) * (j1 - j0));
                        for (int i = i0; i < i1; i++)
                        {
                            var row = dxp.Slice(i * w + j0, j1 - j0);
                            TensorPrimitives.Add(row, g, row);
                        }
                    }
                }
            }
        });
        return y;
    }
}
