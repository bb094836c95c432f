using System.Numerics.Tensors;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>
    /// Softmax over the last axis, computed as exp(log softmax) so the row maximum is subtracted before exp
    /// (TensorPrimitives.SoftMax does not subtract it and overflows for logits near 89).
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(…, C)</param>
    /// <returns>(…, C), rows sum to 1</returns>
    public static Tensor Softmax(Tape tape, Tensor x)
    {
        int c = x.Shape[^1], rows = x.Length / Math.Max(c, 1);
        var y = tape.NewOutput(x.Shape, x);
        for (int r = 0; r < rows; r++)
        {
            var row = y.Span.Slice(r * c, c);
            LogSoftmaxRow(x.Span.Slice(r * c, c), row);
            TensorPrimitives.Exp(row, row);
        }
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dy = y.Grad!.Span; var ys = y.Span; var dx = tape.GradOf(x).Span;
            for (int r = 0; r < rows; r++)
            {
                var yr = ys.Slice(r * c, c); var dyr = dy.Slice(r * c, c); var dxr = dx.Slice(r * c, c);
                float dot = TensorPrimitives.Dot(yr, dyr);
                // dx = y ⊙ (dy − Σ y·dy)
                for (int j = 0; j < c; j++) dxr[j] += yr[j] * (dyr[j] - dot);
            }
        });
        return y;
    }

    /// <summary>log softmax over the last axis: z − max − log Σ exp(z − max) (stable for large logits).</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(…, C)</param>
    /// <returns>(…, C)</returns>
    public static Tensor LogSoftmax(Tape tape, Tensor x)
    {
        int c = x.Shape[^1], rows = x.Length / Math.Max(c, 1);
        var y = tape.NewOutput(x.Shape, x);
        for (int r = 0; r < rows; r++) LogSoftmaxRow(x.Span.Slice(r * c, c), y.Span.Slice(r * c, c));
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dy = y.Grad!.Span; var ys = y.Span; var dx = tape.GradOf(x).Span;
            for (int r = 0; r < rows; r++)
            {
                var yr = ys.Slice(r * c, c); var dyr = dy.Slice(r * c, c); var dxr = dx.Slice(r * c, c);
                float sum = TensorPrimitives.Sum(dyr);
                // dx = dy − softmax · Σ dy, softmax = exp(log softmax)
                for (int j = 0; j < c; j++) dxr[j] += dyr[j] - MathF.Exp(yr[j]) * sum;
            }
        });
        return y;
    }

    /// <summary>Writes log softmax of one row; returns log Σ exp(z) (the log-partition) for reuse by losses.</summary>
    /// <param name="z">(C) logits</param>
    /// <param name="destination">(C) log probabilities; may alias nothing else.</param>
    internal static float LogSoftmaxRow(ReadOnlySpan<float> z, Span<float> destination)
    {
        float max = TensorPrimitives.Max(z);
        TensorPrimitives.Subtract(z, max, destination);
        // Σ exp(z − max) ≥ 1 because the max term is exp(0) = 1: the log never sees 0.
        double sum = 0;
        foreach (float v in destination) sum += Math.Exp(v);
        float logSum = (float)Math.Log(sum);
        TensorPrimitives.Subtract(destination, logSum, destination);
        return max + logSum;
    }
}
