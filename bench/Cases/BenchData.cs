using MlNetDeep.Engine;

namespace MlNetDeep.Bench.Cases;

/// <summary>The fixed synthetic data of the protocol: seed 42, inputs ~ N(0,1), labels uniform.</summary>
internal static class BenchData
{
    public const int Seed = 42;

    public static Tensor Gaussian(Rng rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = (float)rng.NextGaussian();
        return t;
    }

    public static int[] Labels(Rng rng, int count, int classes)
    {
        var y = new int[count];
        for (int i = 0; i < y.Length; i++) y[i] = rng.NextInt(classes);
        return y;
    }

    /// <summary>Token ids uniform in [0, vocabulary), stored as exact float integers (B, T) as <c>Embedding</c> expects.</summary>
    public static Tensor TokenIds(Rng rng, int batch, int length, int vocabulary)
    {
        var t = Tensor.Zeros(batch, length);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = rng.NextInt(vocabulary);
        return t;
    }
}
