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
}
