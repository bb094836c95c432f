using MlNetDeep.Engine.Kernels;

namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>
    /// Batch normalisation per channel. x is viewed as (B, C, S) where S is the product of the dimensions
    /// after the channel (S = 1 for (B, F) features, H·W for images).
    /// Training: normalise with the batch mean and biased variance over B·S values, and update the running
    /// averages r ← (1−momentum)·r + momentum·batch, the running variance with the unbiased estimate (PyTorch).
    /// Inference: normalise with the running averages (ONNX BatchNormalization, training_mode = 0).
    /// y = γ·(x − μ)/√(σ² + ε) + β.
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, …)</param>
    /// <param name="gamma">(C) scale</param>
    /// <param name="beta">(C) shift</param>
    /// <param name="runningMean">(C) updated in place while training</param>
    /// <param name="runningVar">(C) updated in place while training</param>
    /// <param name="training">Use batch statistics and update the running ones.</param>
    /// <param name="momentum">Weight of the new batch in the running averages.</param>
    /// <param name="epsilon">Added to the variance.</param>
    public static Tensor BatchNorm(Tape tape, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        bool training, float momentum, float epsilon) =>
        BatchNormCore(tape, x, gamma, beta, runningMean, runningVar, training, momentum, epsilon, relu: false);

    /// <summary>
    /// ReLU(<see cref="BatchNorm"/>(…)) in one pass: the same values and gradients as the two ops (ReLU's mask is read
    /// from the output, y &gt; 0), without writing and re-reading the intermediate tensor (both are memory-bound).
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, …)</param>
    /// <param name="gamma">(C) scale</param>
    /// <param name="beta">(C) shift</param>
    /// <param name="runningMean">(C) updated in place while training</param>
    /// <param name="runningVar">(C) updated in place while training</param>
    /// <param name="training">Use batch statistics and update the running ones.</param>
    /// <param name="momentum">Weight of the new batch in the running averages.</param>
    /// <param name="epsilon">Added to the variance.</param>
    public static Tensor BatchNormRelu(Tape tape, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        bool training, float momentum, float epsilon) =>
        BatchNormCore(tape, x, gamma, beta, runningMean, runningVar, training, momentum, epsilon, relu: true);

    private static Tensor BatchNormCore(Tape tape, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        bool training, float momentum, float epsilon, bool relu)
    {
        if (x.Rank < 2 || x.Shape[1] != gamma.Length)
            throw new ArgumentException($"BatchNorm expects x (B,C,…) with C = {gamma.Length}, got {x}.", nameof(x));
        int b = x.Shape[0], c = x.Shape[1], s = x.Length / Math.Max(b * c, 1);
        int n = b * s;
        if (training && n < 2)
            throw new ArgumentException($"BatchNorm needs more than one value per channel while training, got {x}.", nameof(x));

        var y = tape.NewOutput(x.Shape, x, gamma, beta);
        var means = tape.Pool.Rent(false, c);
        var rstd = tape.Pool.Rent(false, c);
        // Channels are independent, so they are split across threads; each channel's sums run in a fixed order.
        BatchNormKernels.ForChannels(c, b * s, (c0, c1) =>
        {
            var xs = x.Span; var ys = y.Span; var ms = means.Span; var rs = rstd.Span;
            var g = gamma.Span; var bt = beta.Span; var rm = runningMean.Span; var rv = runningVar.Span;
            for (int ch = c0; ch < c1; ch++)
            {
                double mean, variance;
                if (training)
                {
                    (mean, variance) = BatchNormKernels.Statistics(xs, b, c, s, ch);
                    rm[ch] = (float)((1 - momentum) * rm[ch] + momentum * mean);
                    rv[ch] = (float)((1 - momentum) * rv[ch] + momentum * variance * n / (n - 1));
                }
                else
                {
                    mean = rm[ch];
                    variance = rv[ch];
                }
                float r = (float)(1.0 / Math.Sqrt(variance + epsilon));
                rs[ch] = r;
                ms[ch] = (float)mean;
                BatchNormKernels.Normalise(xs, ys, b, c, s, ch, (float)mean, r, g[ch], bt[ch], relu);
            }
        });

        tape.Record(y, () =>
        {
            bool overwrite = false;
            Tensor? dxTensor = x.RequiresGrad ? tape.GradForWrite(x, out overwrite) : null;
            bool accumulate = !overwrite;
            Tensor? dgTensor = gamma.RequiresGrad ? tape.GradOf(gamma) : null;
            Tensor? dbTensor = beta.RequiresGrad ? tape.GradOf(beta) : null;
            BatchNormKernels.ForChannels(c, b * s, (c0, c1) =>
            {
                var dy = y.Grad!.Span; var xs = x.Span; var ms = means.Span; var r = rstd.Span; var gs = gamma.Span;
                ReadOnlySpan<float> mask = relu ? y.Span : default; // ReLU's derivative: 1 where the output is positive
                Span<float> dx = dxTensor is null ? default : dxTensor.Span;
                Span<float> dg = dgTensor is null ? default : dgTensor.Span;
                Span<float> db = dbTensor is null ? default : dbTensor.Span;
                for (int ch = c0; ch < c1; ch++)
                {
                    var (sumDy, sumDyXhat) = BatchNormKernels.GradientSums(dy, xs, b, c, s, ch, ms[ch], r[ch], mask);
                    if (!dg.IsEmpty) dg[ch] += (float)sumDyXhat;
                    if (!db.IsEmpty) db[ch] += (float)sumDy;
                    if (dx.IsEmpty) continue;
                    // Training: the batch statistics depend on x, giving the two mean terms
                    // dx = k·(dy − Σdy/n − xhat·Σdy·xhat/n), k = γ·rstd. Inference: statistics are constants, dx = k·dy.
                    float k = gs[ch] * r[ch];
                    float shift = training ? (float)(k * sumDy / n) : 0f;
                    float slope = training ? (float)(k * sumDyXhat / n) : 0f;
                    BatchNormKernels.InputGradient(dy, xs, dx, b, c, s, ch, ms[ch], r[ch], k, shift, slope, accumulate, mask);
                }
            });
        });
        return y;
    }
}
