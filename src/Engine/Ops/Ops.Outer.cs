using System.Numerics.Tensors;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>Rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of the outermost axis (a copy).</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(N, …)</param>
    /// <param name="start">First index on axis 0.</param>
    /// <param name="count">Number of indices.</param>
    /// <returns>(count, …)</returns>
    public static Tensor SliceOuter(Tape tape, Tensor x, int start, int count)
    {
        if (x.Rank < 1 || start < 0 || count < 1 || start + count > x.Shape[0])
            throw new ArgumentException($"SliceOuter [{start}, {start + count}) is outside axis 0 of {x}.");
        int inner = x.Length / x.Shape[0];
        var shape = (int[])x.Shape.Clone();
        shape[0] = count;
        var y = tape.NewOutput(shape, x);
        x.Span.Slice(start * inner, count * inner).CopyTo(y.Span);
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad || y.Grad is null) return;
            var dx = tape.GradOf(x).Span.Slice(start * inner, count * inner);
            TensorPrimitives.Add(dx, y.Grad!.Span, dx);
        });
        return y;
    }

    /// <summary>Concatenation on the outermost axis.</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="parts">Tensors (N_k, …) with equal inner dimensions.</param>
    /// <returns>(Σ N_k, …)</returns>
    public static Tensor ConcatOuter(Tape tape, IReadOnlyList<Tensor> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("ConcatOuter needs at least one tensor.", nameof(parts));
        if (parts.Count == 1) return parts[0];
        var shape = (int[])parts[0].Shape.Clone();
        int inner = parts[0].Length / parts[0].Shape[0];
        shape[0] = 0;
        foreach (var p in parts)
        {
            if (p.Rank != shape.Length || !p.Shape.AsSpan(1).SequenceEqual(shape.AsSpan(1)))
                throw new ArgumentException($"ConcatOuter needs equal inner dimensions; got {parts[0]} and {p}.", nameof(parts));
            shape[0] += p.Shape[0];
        }
        var y = tape.NewOutput(shape, parts.ToArray());
        int offset = 0;
        foreach (var p in parts) { p.Span.CopyTo(y.Span.Slice(offset)); offset += p.Length; }
        tape.Record(y, () =>
        {
            if (y.Grad is null) return; // a sibling output of a multi-output op was used instead
            var dy = y.Grad.Span;
            int o = 0;
            foreach (var p in parts)
            {
                if (p.RequiresGrad)
                {
                    var dp = tape.GradOf(p).Span;
                    TensorPrimitives.Add(dp, dy.Slice(o, p.Length), dp);
                }
                o += p.Length;
            }
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
