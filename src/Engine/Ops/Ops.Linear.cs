using System.Numerics.Tensors;
using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine;

/// <summary>
/// Differentiable operations. Each op computes its forward value on the tape's pool and records a
/// backward function that ACCUMULATES (+=) into the gradients of inputs that require one.
/// Dimension letters are declared once per kernel family, in the READMEs under src/Engine/Kernels (Linear: Gemm/README.md).
/// </summary>
internal static partial class Ops
{
    /// <summary>Affine map y = x·Wᵀ + b (PyTorch's Linear, ONNX Gemm with transB=1).</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, in)</param>
    /// <param name="weight">(out, in)</param>
    /// <param name="bias">(out), or null</param>
    /// <returns>(B, out)</returns>
    public static Tensor Linear(Tape tape, Tensor x, Tensor weight, Tensor? bias)
    {
        if (x.Rank != 2 || weight.Rank != 2 || x.Shape[1] != weight.Shape[1])
            throw new ArgumentException($"Linear expects x (B,in) and weight (out,in) with equal 'in'; got {x} and {weight}.");
        int b = x.Shape[0], inF = x.Shape[1], outF = weight.Shape[0];
        if (bias is not null && bias.Length != outF)
            throw new ArgumentException($"Linear bias has {bias.Length} elements, expected {outF}.", nameof(bias));

        var y = tape.NewOutput([b, outF], x, weight, bias);
        Sgemm.Multiply(false, true, b, outF, inF, x.Span, inF, weight.Span, inF, y.Span, outF, accumulate: false);
        if (bias is not null)
        {
            var ys = y.Span;
            var bs = bias.Span;
            for (int i = 0; i < b; i++) TensorPrimitives.Add(ys.Slice(i * outF, outF), bs, ys.Slice(i * outF, outF));
        }

        tape.Record(y, () =>
        {
            var dy = y.Grad!.Span;
            // dx (B,in) += dy (B,out) · W (out,in)
            if (x.RequiresGrad) Sgemm.Multiply(false, false, b, inF, outF, dy, outF, weight.Span, inF, tape.GradOf(x).Span, inF, accumulate: true);
            // dW (out,in) += dyᵀ (out,B) · x (B,in)
            if (weight.RequiresGrad) Sgemm.Multiply(true, false, outF, inF, b, dy, outF, x.Span, inF, tape.GradOf(weight).Span, inF, accumulate: true);
            // db (out) += Σ_rows dy
            if (bias is { RequiresGrad: true })
            {
                var db = tape.GradOf(bias).Span;
                for (int i = 0; i < b; i++) TensorPrimitives.Add(db, dy.Slice(i * outF, outF), db);
            }
        });
        return y;
    }
}
