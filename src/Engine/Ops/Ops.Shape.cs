using System.Numerics.Tensors;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>
    /// Same elements, new shape (ONNX Reshape/Flatten). The output is a view: it shares x's buffer, and its gradient
    /// is a view of x's gradient, so gradients reach x without a backward function (accumulation by construction).
    /// Do not write into the output.
    /// </summary>
    /// <param name="tape">Tape that owns x's gradient.</param>
    /// <param name="x">Any shape.</param>
    /// <param name="shape">New dimensions with the same product.</param>
    public static Tensor Reshape(Tape tape, Tensor x, params int[] shape)
    {
        if (Tensor.ShapeLength(shape) != x.Length)
            throw new ArgumentException($"Cannot reshape {x} to [{string.Join(",", shape)}].", nameof(shape));
        var y = new Tensor(x.Data, shape) { RequiresGrad = tape.IsRecording && x.RequiresGrad };
        if (y.RequiresGrad) y.Grad = new Tensor(tape.GradOf(x).Data, shape);
        return y;
    }

    /// <summary>(B, d1, d2, …) → (B, d1·d2·…), a view (see <see cref="Reshape"/>); ONNX Flatten with axis = 1.</summary>
    /// <param name="tape">Tape that owns x's gradient.</param>
    /// <param name="x">(B, …)</param>
    /// <returns>(B, rest)</returns>
    public static Tensor Flatten(Tape tape, Tensor x)
    {
        if (x.Rank < 1) throw new ArgumentException("Flatten needs a batch axis.", nameof(x));
        int b = x.Shape[0];
        return Reshape(tape, x, b, b == 0 ? 0 : x.Length / b);
    }

    /// <summary>
    /// Permutes the axes (ONNX Transpose): y.Shape[i] = x.Shape[perm[i]], y[…, index_i, …] = x at index_i on axis perm[i].
    /// Backward (accumulates +=) applies the inverse permutation to dy.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">Any shape of rank r, e.g. (B, T, E).</param>
    /// <param name="perm">A permutation of 0 … r−1, e.g. [0, 2, 1] for (B, T, E) → (B, E, T).</param>
    public static Tensor Permute(Tape tape, Tensor x, params int[] perm)
    {
        int r = x.Rank;
        bool valid = perm.Length == r;
        for (int i = 0; valid && i < r; i++)
        {
            valid = perm[i] >= 0 && perm[i] < r;
            for (int j = 0; valid && j < i; j++) valid = perm[j] != perm[i];
        }
        if (!valid)
            throw new ArgumentException($"[{string.Join(",", perm)}] is not a permutation of the axes of {x}.", nameof(perm));
        var outShape = new int[r];
        for (int i = 0; i < r; i++) outShape[i] = x.Shape[perm[i]];
        var y = tape.NewOutput(outShape, x);
        if (SwapsLastTwoAxes(perm))
        {
            // (…, R, C) → (…, C, R): blocked transposes of each matrix, forward and backward.
            int rows = x.Shape[r - 2], cols = x.Shape[r - 1], batches = x.Length / Math.Max(1, rows * cols);
            Kernels.BatchedTranspose.Run(x.Span, y.Span, batches, rows, cols, accumulate: false);
            tape.Record(y, () =>
            {
                if (!x.RequiresGrad) return;
                var dx = tape.GradForWrite(x, out bool overwrite);
                Kernels.BatchedTranspose.Run(y.Grad!.Span, dx.Span, batches, cols, rows, accumulate: !overwrite);
            });
            return y;
        }
        // Input strides seen in output axis order: moving one step along output axis i moves inStride[perm[i]] in x.
        var inStrides = new int[r];
        for (int i = r - 1, s = 1; i >= 0; i--) { inStrides[i] = s; s *= x.Shape[i]; }
        var strides = new int[r];
        for (int i = 0; i < r; i++) strides[i] = inStrides[perm[i]];
        Gather(y.Span, x.Span, outShape, strides);
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            // dx at the gathered offsets += dy: the same walk as forward, scattering instead of gathering.
            Scatter(tape.GradOf(x).Span, y.Grad!.Span, outShape, strides);
        });
        return y;
    }

    /// <summary>True for [0, 1, …, r−3, r−1, r−2].</summary>
    private static bool SwapsLastTwoAxes(int[] perm)
    {
        int r = perm.Length;
        if (r < 2 || perm[r - 1] != r - 2 || perm[r - 2] != r - 1) return false;
        for (int i = 0; i < r - 2; i++) if (perm[i] != i) return false;
        return true;
    }

    /// <summary>dst[linear index over <paramref name="shape"/>] = src[Σ index_i·strides_i]; innermost axis in a tight loop.</summary>
    private static void Gather(Span<float> dst, ReadOnlySpan<float> src, int[] shape, int[] strides)
    {
        int r = shape.Length, inner = shape[r - 1], innerStride = strides[r - 1];
        if (dst.Length == 0) return;
        Span<int> index = stackalloc int[r];
        int offset = 0;
        for (int o = 0; o < dst.Length; o += inner)
        {
            for (int j = 0, s = offset; j < inner; j++, s += innerStride) dst[o + j] = src[s];
            for (int a = r - 2; a >= 0; a--)
            {
                offset += strides[a];
                if (++index[a] < shape[a]) break;
                offset -= strides[a] * shape[a];
                index[a] = 0;
            }
        }
    }

    /// <summary>dst[Σ index_i·strides_i] += src[linear index over <paramref name="shape"/>] (adjoint of <see cref="Gather"/>).</summary>
    private static void Scatter(Span<float> dst, ReadOnlySpan<float> src, int[] shape, int[] strides)
    {
        int r = shape.Length, inner = shape[r - 1], innerStride = strides[r - 1];
        if (src.Length == 0) return;
        Span<int> index = stackalloc int[r];
        int offset = 0;
        for (int o = 0; o < src.Length; o += inner)
        {
            for (int j = 0, s = offset; j < inner; j++, s += innerStride) dst[s] += src[o + j];
            for (int a = r - 2; a >= 0; a--)
            {
                offset += strides[a];
                if (++index[a] < shape[a]) break;
                offset -= strides[a] * shape[a];
                index[a] = 0;
            }
        }
    }

    /// <summary>
    /// Joins tensors along <paramref name="axis"/> (ONNX Concat), e.g. DenseNet feature maps on the channel axis or
    /// TextCNN branches on the feature axis. Backward (accumulates +=) hands each input its slice of dy.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="axis">Axis to join along (negative counts from the end).</param>
    /// <param name="inputs">Tensors of equal rank whose shapes agree except on <paramref name="axis"/>, e.g. (B, Cᵢ, H, W).</param>
    /// <returns>Shape of the inputs with Σ of their sizes on <paramref name="axis"/>, e.g. (B, ΣCᵢ, H, W).</returns>
    public static Tensor Concat(Tape tape, int axis, IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count == 0) throw new ArgumentException("Concat needs at least one input.", nameof(inputs));
        var first = inputs[0];
        int r = first.Rank;
        if (axis < 0) axis += r;
        if (axis < 0 || axis >= r) throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Axis out of range for {first}.");
        var outShape = (int[])first.Shape.Clone();
        outShape[axis] = 0;
        bool anyGrad = false;
        foreach (var t in inputs)
        {
            if (t.Rank != r) throw new ArgumentException($"Concat inputs differ in rank: {first} and {t}.", nameof(inputs));
            for (int d = 0; d < r; d++)
                if (d != axis && t.Shape[d] != first.Shape[d])
                    throw new ArgumentException($"Concat inputs differ outside axis {axis}: {first} and {t}.", nameof(inputs));
            outShape[axis] += t.Shape[axis];
            anyGrad |= t.RequiresGrad;
        }
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= first.Shape[d];
        for (int d = axis + 1; d < r; d++) inner *= first.Shape[d];
        int outRow = outShape[axis] * inner;

        var parts = inputs.ToArray(); // the backward closure must not see later changes to the caller's list
        var y = tape.Pool.Rent(false, outShape);
        y.RequiresGrad = tape.IsRecording && anyGrad;
        var ys = y.Span;
        int start = 0;
        foreach (var t in parts)
        {
            int chunk = t.Shape[axis] * inner;
            var ts = t.Span;
            for (int o = 0; o < outer; o++) ts.Slice(o * chunk, chunk).CopyTo(ys.Slice(o * outRow + start, chunk));
            start += chunk;
        }
        tape.Record(y, () =>
        {
            var dy = y.Grad!.Span;
            int begin = 0;
            foreach (var t in parts)
            {
                int chunk = t.Shape[axis] * inner;
                if (t.RequiresGrad)
                {
                    var dt = tape.GradOf(t).Span;
                    for (int o = 0; o < outer; o++)
                    {
                        var d = dt.Slice(o * chunk, chunk);
                        TensorPrimitives.Add(d, dy.Slice(o * outRow + begin, chunk), d);
                    }
                }
                begin += chunk;
            }
        });
        return y;
    }
}
