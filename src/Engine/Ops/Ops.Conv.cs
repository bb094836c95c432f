using System.Numerics.Tensors;
using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine;

public static partial class Ops
{
    /// <summary>
    /// 2-D cross-correlation (PyTorch Conv2d, ONNX Conv with group = 1):
    /// y[b, o, oh, ow] = bias[o] + Σ_{c,i,j} W[o, c, i, j] · x[b, c, oh·sh − ph + i·dh, ow·sw − pw + j·dw] (zero padding).
    /// Computed per batch item as im2col + one SGEMM: y_b (O, Ho·Wo) = W (O, C·kh·kw) · col_b (C·kh·kw, Ho·Wo).
    /// Backward (accumulates +=): dW += dY_b · col_bᵀ, dcol = Wᵀ · dY_b folded into dx (col2im), db += Σ dY.
    /// The column matrix is recomputed in backward rather than kept for every batch item (memory C·kh·kw·Ho·Wo
    /// per layer instead of per item); a 1×1, stride 1, unpadded convolution uses x itself.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, H, W)</param>
    /// <param name="weight">(O, C, kh, kw)</param>
    /// <param name="bias">(O), or null</param>
    /// <param name="window">Kernel (must match the weight), stride, padding, dilation.</param>
    /// <returns>(B, O, Ho, Wo)</returns>
    public static Tensor Conv2d(Tape tape, Tensor x, Tensor weight, Tensor? bias, Window2d window)
    {
        window.Validate(nameof(Conv2d));
        if (x.Rank != 4 || weight.Rank != 4 || weight.Shape[1] != x.Shape[1] || weight.Shape[2] != window.KernelH || weight.Shape[3] != window.KernelW)
            throw new ArgumentException($"Conv2d expects x (B,C,H,W) and weight (O,C,{window.KernelH},{window.KernelW}); got {x} and {weight}.");
        int b = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3], o = weight.Shape[0];
        window.CheckInput(nameof(Conv2d), h, w);
        return ConvCore(tape, x, weight, bias, b, c, h, w, o, window, [b, o, window.OutH(h), window.OutW(w)]);
    }

    /// <summary>1-D cross-correlation (PyTorch Conv1d, ONNX Conv over one spatial axis); the 2-D kernel with H = 1.</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, L)</param>
    /// <param name="weight">(O, C, k)</param>
    /// <param name="bias">(O), or null</param>
    /// <param name="stride">Step between outputs.</param>
    /// <param name="padding">Zero padding at each end.</param>
    /// <param name="dilation">Tap spacing.</param>
    /// <returns>(B, O, Lo) with Lo = ⌊(L + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1</returns>
    public static Tensor Conv1d(Tape tape, Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0, int dilation = 1)
    {
        if (x.Rank != 3 || weight.Rank != 3 || weight.Shape[1] != x.Shape[1])
            throw new ArgumentException($"Conv1d expects x (B,C,L) and weight (O,C,k) with equal C; got {x} and {weight}.");
        var window = Window2d.Line(weight.Shape[2], stride, padding, dilation);
        window.Validate(nameof(Conv1d));
        int b = x.Shape[0], c = x.Shape[1], l = x.Shape[2], o = weight.Shape[0];
        window.CheckInput(nameof(Conv1d), 1, l);
        return ConvCore(tape, x, weight, bias, b, c, 1, l, o, window, [b, o, window.OutW(l)]);
    }

    /// <summary>Shared convolution: x viewed as (B, C, H, W), weight as (O, C·kh·kw), output as (B, O, Ho·Wo).</summary>
    private static Tensor ConvCore(Tape tape, Tensor x, Tensor weight, Tensor? bias, int b, int c, int h, int w, int o,
        Window2d window, int[] outShape)
    {
        if (bias is not null && bias.Length != o)
            throw new ArgumentException($"Convolution bias has {bias.Length} elements, expected {o}.", nameof(bias));
        int k = c * window.KernelH * window.KernelW;
        int n = window.OutH(h) * window.OutW(w);
        int imageSize = c * h * w;
        bool direct = window.KernelH == 1 && window.KernelW == 1 && window.StrideH == 1 && window.StrideW == 1
            && window.PadH == 0 && window.PadW == 0;

        var y = tape.NewOutput(outShape, x, weight, bias);
        Tensor? col = direct ? null : tape.Pool.Rent(false, k, n);
        var ys = y.Span;
        for (int bi = 0; bi < b; bi++)
        {
            var xb = x.Span.Slice(bi * imageSize, imageSize);
            ReadOnlySpan<float> src = xb;
            if (col is not null) { Im2Col.Unfold(col.Span, xb, c, h, w, window); src = col.Span; }
            var yb = ys.Slice(bi * o * n, o * n);
            Sgemm.Multiply(false, false, o, n, k, weight.Span, k, src, n, yb, n, accumulate: false);
            if (bias is not null)
            {
                var bs = bias.Span;
                for (int oc = 0; oc < o; oc++) TensorPrimitives.Add(yb.Slice(oc * n, n), bs[oc], yb.Slice(oc * n, n));
            }
        }

        tape.Record(y, () =>
        {
            var dy = y.Grad!.Span;
            Span<float> dw = weight.RequiresGrad ? tape.GradOf(weight).Span : default;
            Span<float> dx = x.RequiresGrad ? tape.GradOf(x).Span : default;
            Tensor? dcol = x.RequiresGrad && col is not null ? tape.Pool.Rent(false, k, n) : null;
            for (int bi = 0; bi < b; bi++)
            {
                var dyb = dy.Slice(bi * o * n, o * n);
                if (!dw.IsEmpty)
                {
                    var xb = x.Span.Slice(bi * imageSize, imageSize);
                    ReadOnlySpan<float> src = xb;
                    if (col is not null) { Im2Col.Unfold(col.Span, xb, c, h, w, window); src = col.Span; }
                    // dW (O, K) += dY_b (O, N) · col_bᵀ (N, K)
                    Sgemm.Multiply(false, true, o, k, n, dyb, n, src, n, dw, k, accumulate: true);
                }
                if (!dx.IsEmpty)
                {
                    var dxb = dx.Slice(bi * imageSize, imageSize);
                    if (dcol is null)
                    {
                        // 1×1 direct: dx_b (C, N) += Wᵀ (C, O) · dY_b (O, N)
                        Sgemm.Multiply(true, false, k, n, o, weight.Span, k, dyb, n, dxb, n, accumulate: true);
                    }
                    else
                    {
                        // dcol (K, N) = Wᵀ (K, O) · dY_b (O, N), then col2im += into dx_b
                        Sgemm.Multiply(true, false, k, n, o, weight.Span, k, dyb, n, dcol.Span, n, accumulate: false);
                        Im2Col.FoldAdd(dxb, dcol.Span, c, h, w, window);
                    }
                }
            }
            if (bias is { RequiresGrad: true })
            {
                var db = tape.GradOf(bias).Span;
                for (int bi = 0; bi < b; bi++)
                    for (int oc = 0; oc < o; oc++) db[oc] += TensorPrimitives.Sum(dy.Slice((bi * o + oc) * n, n));
            }
        });
        return y;
    }
}
