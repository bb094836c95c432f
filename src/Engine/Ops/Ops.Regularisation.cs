namespace MlNetDeep.Engine;

internal static partial class Ops
{
    /// <summary>
    /// Inverted dropout: while training each element is zeroed with probability <paramref name="p"/> and the
    /// survivors are scaled by 1/(1−p), so inference is the identity (ONNX Dropout in inference form).
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">Any shape.</param>
    /// <param name="p">Drop probability in [0, 1).</param>
    /// <param name="training">False returns <paramref name="x"/> itself.</param>
    /// <param name="rng">Source of the mask.</param>
    public static Tensor Dropout(Tape tape, Tensor x, float p, bool training, Rng rng)
    {
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must lie in [0, 1).");
        if (!training || p == 0f) return x;
        var y = tape.NewOutput(x.Shape, x);
        var mask = tape.Pool.Rent(false, x.Shape);
        float scale = 1f / (1f - p);
        var xs = x.Span; var ys = y.Span; var ms = mask.Span;
        for (int i = 0; i < xs.Length; i++)
        {
            ms[i] = rng.NextFloat() >= p ? scale : 0f;
            ys[i] = xs[i] * ms[i];
        }
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dy = y.Grad!.Span; var dx = tape.GradOf(x).Span; var m = mask.Span;
            for (int i = 0; i < m.Length; i++) dx[i] += dy[i] * m[i];
        });
        return y;
    }

    /// <summary>
    /// Channel (spatial) dropout, PyTorch Dropout2d/Dropout1d: while training each whole (b, c) feature map is zeroed
    /// with probability <paramref name="p"/> and the kept maps are scaled by 1/(1−p); inference is the identity.
    /// Backward (accumulates +=): dx = dy · mask[b, c].
    /// </summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, …), e.g. (B, C, H, W) or (B, C, L)</param>
    /// <param name="p">Drop probability in [0, 1).</param>
    /// <param name="training">False returns <paramref name="x"/> itself.</param>
    /// <param name="rng">Source of the mask, one draw per (b, c).</param>
    public static Tensor ChannelDropout(Tape tape, Tensor x, float p, bool training, Rng rng)
    {
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must lie in [0, 1).");
        if (x.Rank < 2) throw new ArgumentException($"ChannelDropout expects (B, C, …), got {x}.", nameof(x));
        if (!training || p == 0f) return x;
        int maps = x.Shape[0] * x.Shape[1], s = maps == 0 ? 0 : x.Length / maps;
        var y = tape.NewOutput(x.Shape, x);
        var mask = tape.Pool.Rent(false, maps);
        float scale = 1f / (1f - p);
        var xs = x.Span; var ys = y.Span; var ms = mask.Span;
        for (int m = 0; m < maps; m++)
        {
            ms[m] = rng.NextFloat() >= p ? scale : 0f;
            System.Numerics.Tensors.TensorPrimitives.Multiply(xs.Slice(m * s, s), ms[m], ys.Slice(m * s, s));
        }
        tape.Record(y, () =>
        {
            if (!x.RequiresGrad) return;
            var dy = y.Grad!.Span; var dx = tape.GradOf(x).Span; var mk = mask.Span;
            for (int m = 0; m < maps; m++)
            {
                if (mk[m] == 0f) continue;
                var d = dx.Slice(m * s, s);
                for (int i = 0; i < s; i++) d[i] += dy[m * s + i] * mk[m];
            }
        });
        return y;
    }
}
