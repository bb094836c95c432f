using System.Numerics.Tensors;

namespace MlNetDeep.Engine;

public static partial class Ops
{
    /// <summary>Same elements in a new shape (row-major order unchanged; the output shares x's buffer, nothing is copied).</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">Any shape.</param>
    /// <param name="shape">New dimensions with the same product.</param>
    public static Tensor Reshape(Tape tape, Tensor x, params int[] shape)
    {
        if (Tensor.ShapeLength(shape) != x.Length)
            throw new ArgumentException($"Cannot reshape {x} to [{string.Join(",", shape)}].", nameof(shape));
        var y = new Tensor(x.Data, shape) { RequiresGrad = tape.IsRecording && x.RequiresGrad };
        tape.Record(y, () =>
        {
            if (y.Grad is null) return;
            var dx = tape.GradOf(x).Span;
            TensorPrimitives.Add(dx, y.Grad.Span, dx);
        });
        return y;
    }

    /// <summary>Swaps the two outer axes: (A, B, C) → (B, A, C) (a copy), e.g. final states (dirs, B, H) → (B, dirs, H).</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(A, B, C)</param>
    /// <returns>(B, A, C)</returns>
    public static Tensor SwapOuterAxes(Tape tape, Tensor x)
    {
        if (x.Rank != 3) throw new ArgumentException($"SwapOuterAxes expects rank 3, got {x}.", nameof(x));
        int a = x.Shape[0], b = x.Shape[1], c = x.Shape[2];
        var y = tape.NewOutput([b, a, c], x);
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                x.Span.Slice((i * b + j) * c, c).CopyTo(y.Span.Slice((j * a + i) * c, c));
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dx = tape.GradOf(x).Span; var dy = y.Grad!.Span;
            for (int i = 0; i < a; i++)
                for (int j = 0; j < b; j++)
                {
                    var target = dx.Slice((i * b + j) * c, c);
                    TensorPrimitives.Add(target, dy.Slice((j * a + i) * c, c), target);
                }
        });
        return y;
    }
}
