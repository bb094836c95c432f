using System.Numerics.Tensors;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>σ(z) = 1/(1+e^−z); backward uses σ'(z) = σ(z)(1−σ(z)) from the saved output.</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">Any shape.</param>
    public static Tensor Sigmoid(Tape tape, Tensor x)
    {
        var y = tape.NewOutput(x.Shape, x);
        TensorPrimitives.Sigmoid(x.Span, y.Span);
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dy = y.Grad!.Span; var ys = y.Span; var dx = tape.GradOf(x).Span;
            for (int i = 0; i < ys.Length; i++) dx[i] += dy[i] * ys[i] * (1f - ys[i]);
        });
        return y;
    }

    /// <summary>tanh(z); backward uses tanh'(z) = 1 − tanh(z)² from the saved output.</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">Any shape.</param>
    public static Tensor Tanh(Tape tape, Tensor x)
    {
        var y = tape.NewOutput(x.Shape, x);
        TensorPrimitives.Tanh(x.Span, y.Span);
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dy = y.Grad!.Span; var ys = y.Span; var dx = tape.GradOf(x).Span;
            for (int i = 0; i < ys.Length; i++) dx[i] += dy[i] * (1f - ys[i] * ys[i]);
        });
        return y;
    }

    /// <summary>max(z, 0); the derivative is the step function, 0 at z ≤ 0.</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">Any shape.</param>
    public static Tensor Relu(Tape tape, Tensor x) => LeakyRelu(tape, x, 0f);

    /// <summary>z for z &gt; 0, α·z otherwise; the derivative is 1 for z &gt; 0 and α for z ≤ 0 (ONNX LeakyRelu).</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">Any shape.</param>
    /// <param name="alpha">Slope for z ≤ 0; 0 gives ReLU.</param>
    public static Tensor LeakyRelu(Tape tape, Tensor x, float alpha)
    {
        var y = tape.NewOutput(x.Shape, x);
        Kernels.ParallelRanges.For(x.Length, 2, (s, e) =>
        {
            if (alpha == 0f) TensorPrimitives.Max(x.Span[s..e], 0f, y.Span[s..e]);
            else Kernels.ActivationKernels.LeakyRelu(x.Span[s..e], y.Span[s..e], alpha);
        });
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dx = tape.GradForWrite(x, out bool overwrite);
            Kernels.ParallelRanges.For(x.Length, 3, (s, e) =>
                Kernels.ActivationKernels.LeakyReluBackward(x.Span[s..e], y.Grad!.Span[s..e], dx.Span[s..e], alpha, accumulate: !overwrite));
        });
        return y;
    }
}
