namespace MlNetDeep.Engine;

public static partial class Ops
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
}
