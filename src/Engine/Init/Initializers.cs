namespace MlNetDeep.Engine;

/// <summary>Fills tensors from a seeded <see cref="Rng"/>.</summary>
internal static class Initializers
{
    /// <summary>Fills <paramref name="weights"/> according to <paramref name="init"/>.</summary>
    /// <param name="weights">Tensor to fill.</param>
    /// <param name="init">Scheme.</param>
    /// <param name="fanIn">Inputs per neuron.</param>
    /// <param name="fanOut">Outputs per input.</param>
    /// <param name="rng">Seeded generator.</param>
    public static void Fill(Tensor weights, WeightInit init, int fanIn, int fanOut, Rng rng)
    {
        var w = weights.Span;
        switch (init)
        {
            case WeightInit.GlorotUniform:
                FillUniform(w, MathF.Sqrt(6f / (fanIn + fanOut)), rng);
                break;
            case WeightInit.HeUniform:
                FillUniform(w, MathF.Sqrt(6f / fanIn), rng);
                break;
            case WeightInit.HeNormal:
                float std = MathF.Sqrt(2f / fanIn);
                for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextGaussian() * std);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown weight initialisation.");
        }
    }

    /// <summary>Fills with U(−<paramref name="bound"/>, <paramref name="bound"/>).</summary>
    /// <param name="values">Destination.</param>
    /// <param name="bound">Half-width of the interval.</param>
    /// <param name="rng">Seeded generator.</param>
    public static void FillUniform(Span<float> values, float bound, Rng rng)
    {
        for (int i = 0; i < values.Length; i++) values[i] = rng.Uniform(-bound, bound);
    }

    /// <summary>
    /// Fills each of the <paramref name="blocks"/> consecutive (n, n) blocks of <paramref name="values"/> with a random
    /// orthogonal matrix (Gram–Schmidt on a standard normal matrix, in double), as Keras does for recurrent weights.
    /// </summary>
    /// <param name="values">Destination of blocks·n·n elements, e.g. R (G·H, H) with n = H.</param>
    /// <param name="n">Size of each square block.</param>
    /// <param name="blocks">Number of blocks.</param>
    /// <param name="rng">Seeded generator.</param>
    public static void FillOrthogonal(Span<float> values, int n, int blocks, Rng rng)
    {
        if (values.Length != blocks * n * n) throw new ArgumentException($"Expected {blocks}·{n}·{n} values, got {values.Length}.", nameof(values));
        var q = new double[n * n];
        for (int blk = 0; blk < blocks; blk++)
        {
            for (int i = 0; i < q.Length; i++) q[i] = rng.NextGaussian();
            for (int row = 0; row < n; row++)
            {
                // Modified Gram–Schmidt on the rows; a (measure-zero) degenerate row is redrawn.
                while (true)
                {
                    for (int prev = 0; prev < row; prev++)
                    {
                        double dot = 0;
                        for (int j = 0; j < n; j++) dot += q[row * n + j] * q[prev * n + j];
                        for (int j = 0; j < n; j++) q[row * n + j] -= dot * q[prev * n + j];
                    }
                    double norm = 0;
                    for (int j = 0; j < n; j++) norm += q[row * n + j] * q[row * n + j];
                    norm = Math.Sqrt(norm);
                    if (norm > 1e-6)
                    {
                        for (int j = 0; j < n; j++) q[row * n + j] /= norm;
                        break;
                    }
                    for (int j = 0; j < n; j++) q[row * n + j] = rng.NextGaussian();
                }
            }
            for (int i = 0; i < q.Length; i++) values[blk * n * n + i] = (float)q[i];
        }
    }
}
