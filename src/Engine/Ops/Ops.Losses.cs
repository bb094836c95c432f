using System.Numerics.Tensors;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>Mean squared error: mean over all elements of (prediction − target)².</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="prediction">Any shape.</param>
    /// <param name="target">Same length as <paramref name="prediction"/>; not differentiated.</param>
    /// <returns>(1)</returns>
    public static Tensor MseLoss(Tape tape, Tensor prediction, Tensor target)
    {
        if (prediction.Length != target.Length)
            throw new ArgumentException($"MSE needs equal sizes, got {prediction} and {target}.");
        int n = prediction.Length;
        var loss = tape.NewOutput([1], prediction);
        var p = prediction.Span; var t = target.Span;
        double sum = 0;
        for (int i = 0; i < n; i++) { double d = p[i] - t[i]; sum += d * d; }
        loss.Span[0] = (float)(sum / n);
        tape.Record(loss, () =>
        {
            if (!prediction.RequiresGrad) return;
            float g = loss.Grad!.Span[0] * 2f / n;
            var dp = tape.GradOf(prediction).Span; var ps = prediction.Span; var ts = target.Span;
            for (int i = 0; i < n; i++) dp[i] += g * (ps[i] - ts[i]);
        });
        return loss;
    }

    /// <summary>
    /// Binary cross-entropy on logits, mean over elements: max(z,0) − z·t + log(1 + e^−|z|)
    /// (never evaluates log σ(z) directly, so large |z| cannot overflow). Gradient (σ(z) − t)/n.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="logits">Any shape.</param>
    /// <param name="targets">Same length, values in [0, 1]; not differentiated.</param>
    /// <returns>(1)</returns>
    public static Tensor BinaryCrossEntropyWithLogits(Tape tape, Tensor logits, Tensor targets)
    {
        if (logits.Length != targets.Length)
            throw new ArgumentException($"Binary cross-entropy needs equal sizes, got {logits} and {targets}.");
        int n = logits.Length;
        var loss = tape.NewOutput([1], logits);
        var z = logits.Span; var t = targets.Span;
        double sum = 0;
        for (int i = 0; i < n; i++)
            sum += Math.Max(z[i], 0) - z[i] * t[i] + Math.Log(1 + Math.Exp(-Math.Abs(z[i])));
        loss.Span[0] = (float)(sum / n);
        tape.Record(loss, () =>
        {
            if (!logits.RequiresGrad) return;
            float g = loss.Grad!.Span[0] / n;
            var dz = tape.GradOf(logits).Span; var zs = logits.Span; var ts = targets.Span;
            for (int i = 0; i < n; i++) dz[i] += g * (1f / (1f + MathF.Exp(-zs[i])) - ts[i]);
        });
        return loss;
    }

    /// <summary>
    /// Softmax cross-entropy on logits, fused, mean over rows: −log softmax(z)[label].
    /// The backward is (softmax(z) − onehot(label)) / B, computed from the probabilities cached by forward.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="logits">(B, C)</param>
    /// <param name="labels">(B) class indices in [0, C); the caller must keep the array unchanged until backward.</param>
    /// <param name="labelSmoothing">ε in [0, 1): with ε &gt; 0 the loss is <see cref="TokenCrossEntropy"/>'s smoothed form
    /// (PyTorch's CrossEntropyLoss(label_smoothing = ε)).</param>
    /// <returns>(1)</returns>
    public static Tensor SoftmaxCrossEntropy(Tape tape, Tensor logits, int[] labels, float labelSmoothing = 0f)
    {
        if (labelSmoothing != 0f) return TokenCrossEntropy(tape, logits, labels, labelSmoothing);
        if (logits.Rank != 2) throw new ArgumentException($"Cross-entropy expects logits (B,C), got {logits}.", nameof(logits));
        int b = logits.Shape[0], c = logits.Shape[1];
        if (labels.Length < b) throw new ArgumentException($"{labels.Length} labels for a batch of {b}.", nameof(labels));
        var loss = tape.NewOutput([1], logits);
        var probs = tape.Pool.Rent(false, b, c); // cache for backward
        double sum = 0;
        for (int r = 0; r < b; r++)
        {
            int label = labels[r];
            if ((uint)label >= (uint)c) throw new ArgumentOutOfRangeException(nameof(labels), label, $"Label must lie in [0, {c}).");
            var row = probs.Span.Slice(r * c, c);
            LogSoftmaxRow(logits.Span.Slice(r * c, c), row);
            sum -= row[label];
            TensorPrimitives.Exp(row, row);
        }
        loss.Span[0] = (float)(sum / b);
        tape.Record(loss, () =>
        {
            if (!logits.RequiresGrad) return;
            float g = loss.Grad!.Span[0] / b;
            var dz = tape.GradOf(logits).Span; var ps = probs.Span;
            for (int r = 0; r < b; r++)
            {
                for (int j = 0; j < c; j++) dz[r * c + j] += g * ps[r * c + j];
                dz[r * c + labels[r]] -= g;
            }
        });
        return loss;
    }

    /// <summary>
    /// Token-level softmax cross-entropy for sequence outputs, as PyTorch's CrossEntropyLoss(ignore_index, label_smoothing):
    /// rows whose target is negative (padding) are ignored; with smoothing ε the target distribution is
    /// (1 − ε)·onehot + ε/V, so loss_r = (1 − ε)·(−log p[target]) + ε·mean_j(−log p[j]); the mean is over counted rows.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="logits">(N, V) one row per target token.</param>
    /// <param name="targets">(N) token ids in [0, V), or negative for padding; kept unchanged until backward.</param>
    /// <param name="labelSmoothing">ε in [0, 1).</param>
    /// <returns>(1) the mean loss; 0 (with zero gradient) when every row is padding.</returns>
    public static Tensor TokenCrossEntropy(Tape tape, Tensor logits, int[] targets, float labelSmoothing = 0f)
    {
        if (logits.Rank != 2) throw new ArgumentException($"Token cross-entropy expects logits (N,V), got {logits}.", nameof(logits));
        int n = logits.Shape[0], v = logits.Shape[1];
        if (targets.Length < n) throw new ArgumentException($"{targets.Length} targets for {n} rows.", nameof(targets));
        if (!(labelSmoothing >= 0f && labelSmoothing < 1f)) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Must lie in [0, 1).");
        var loss = tape.NewOutput([1], logits);
        var probs = tape.Pool.Rent(false, n, v); // softmax rows, cached for backward
        double sum = 0;
        int counted = 0;
        for (int r = 0; r < n; r++)
        {
            int target = targets[r];
            if (target < 0) continue;
            if (target >= v) throw new ArgumentOutOfRangeException(nameof(targets), target, $"A target token must lie in [0, {v}) or be negative (padding).");
            var row = probs.Span.Slice(r * v, v);
            LogSoftmaxRow(logits.Span.Slice(r * v, v), row);
            sum -= (1 - labelSmoothing) * row[target] + labelSmoothing * TensorPrimitives.Sum(row) / v;
            TensorPrimitives.Exp(row, row);
            counted++;
        }
        loss.Span[0] = counted == 0 ? 0f : (float)(sum / counted);
        tape.Record(loss, () =>
        {
            if (!logits.RequiresGrad || counted == 0) return;
            float g = loss.Grad!.Span[0] / counted, smooth = labelSmoothing / v;
            var dz = tape.GradOf(logits).Span; var ps = probs.Span;
            for (int r = 0; r < n; r++)
            {
                if (targets[r] < 0) continue;
                // d/dz = p − ((1 − ε)·onehot + ε/V)
                for (int j = 0; j < v; j++) dz[r * v + j] += g * (ps[r * v + j] - smooth);
                dz[r * v + targets[r]] -= g * (1 - labelSmoothing);
            }
        });
        return loss;
    }
}
