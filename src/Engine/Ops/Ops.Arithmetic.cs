using System.Numerics.Tensors;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>Element-wise a + b for residual connections (no broadcasting). Backward (accumulates +=): da += dy, db += dy.</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="a">Any shape.</param>
    /// <param name="b">Same shape as <paramref name="a"/>.</param>
    public static Tensor Add(Tape tape, Tensor a, Tensor b)
    {
        if (!a.Shape.AsSpan().SequenceEqual(b.Shape))
            throw new ArgumentException($"Add expects equal shapes, got {a} and {b}.");
        var y = tape.NewOutput(a.Shape, a, b);
        Kernels.ParallelRanges.For(y.Length, 3, (s, e) => TensorPrimitives.Add(a.Span[s..e], b.Span[s..e], y.Span[s..e]));
        tape.Record(y, () =>
        {
            if (a.RequiresGrad) PassGradient(tape, y, a);
            if (b.RequiresGrad) PassGradient(tape, y, b);
        });
        return y;
    }

    /// <summary>
    /// ReLU(a + b) in one pass, the residual join of ResNet blocks: the same values and gradients as Add then ReLU
    /// (mask y &gt; 0), without the intermediate sum. Backward (accumulates +=): da += dy·[y &gt; 0], db += dy·[y &gt; 0].
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="a">Any shape.</param>
    /// <param name="b">Same shape as a.</param>
    public static Tensor AddRelu(Tape tape, Tensor a, Tensor b)
    {
        if (!a.Shape.AsSpan().SequenceEqual(b.Shape))
            throw new ArgumentException($"AddRelu expects equal shapes, got {a} and {b}.");
        var y = tape.NewOutput(a.Shape, a, b);
        Kernels.ParallelRanges.For(y.Length, 3, (s, e) =>
        {
            TensorPrimitives.Add(a.Span[s..e], b.Span[s..e], y.Span[s..e]);
            TensorPrimitives.Max(y.Span[s..e], 0f, y.Span[s..e]);
        });
        tape.Record(y, () =>
        {
            if (a.RequiresGrad) PassReluGradient(tape, y, a);
            if (b.RequiresGrad) PassReluGradient(tape, y, b);
        });
        return y;
    }

    /// <summary>d input (+)= dy·[y &gt; 0] (a fresh gradient buffer is overwritten).</summary>
    private static void PassReluGradient(Tape tape, Tensor y, Tensor input)
    {
        var d = tape.GradForWrite(input, out bool overwrite);
        Kernels.ParallelRanges.For(y.Length, 4, (s, e) =>
            Kernels.ActivationKernels.LeakyReluBackward(y.Span[s..e], y.Grad!.Span[s..e], d.Span[s..e], 0f, accumulate: !overwrite));
    }

    /// <summary>d input (+)= dy, for an input whose gradient is dy itself (a fresh gradient buffer is overwritten).</summary>
    private static void PassGradient(Tape tape, Tensor y, Tensor input)
    {
        var d = tape.GradForWrite(input, out bool overwrite);
        Kernels.ParallelRanges.For(y.Length, 3, (s, e) =>
        {
            var dy = y.Grad!.Span[s..e]; var di = d.Span[s..e];
            if (overwrite) dy.CopyTo(di);
            else TensorPrimitives.Add(di, dy, di);
        });
    }
}
