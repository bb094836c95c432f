using MlNetDeep.Engine;

namespace MlNetDeep.Engine.Tests.Support;

/// <summary>
/// Central finite-difference gradient check. The scalar checked is L = Σ out ⊙ R with a random upstream
/// gradient R (never a plain sum, which hides transposition bugs). Every element of every input is perturbed.
/// </summary>
internal static class GradCheck
{
    public static void Check(Func<Tape, Tensor> forward, IReadOnlyList<Tensor> inputs, int seed = 7,
        float step = 1e-2f, double atol = 2e-3, double rtol = 2e-2)
    {
        foreach (var t in inputs) Parameter.MakeTrainable(t);
        Parameter.ZeroGrad(inputs);

        var tape = new Tape();
        var output = forward(tape);
        var rng = new Rng(seed);
        var upstream = new float[output.Length];
        for (int i = 0; i < upstream.Length; i++) upstream[i] = rng.Uniform(-1f, 1f);
        tape.Backward(output, upstream);
        var analytic = inputs.Select(t => t.Grad!.Span.ToArray()).ToArray();
        tape.Reset();

        for (int k = 0; k < inputs.Count; k++)
        {
            var values = inputs[k].Span;
            for (int i = 0; i < values.Length; i++)
            {
                float original = values[i];
                values[i] = original + step;
                double plus = Objective(forward, upstream);
                values[i] = original - step;
                double minus = Objective(forward, upstream);
                values[i] = original;
                double numeric = (plus - minus) / (2 * step);
                double a = analytic[k][i];
                Assert.True(Math.Abs(a - numeric) <= atol + rtol * Math.Abs(numeric),
                    $"input {k} element {i}: analytic {a:G6} vs numeric {numeric:G6}");
            }
        }
    }

    private static double Objective(Func<Tape, Tensor> forward, float[] upstream)
    {
        var tape = new Tape { IsRecording = false };
        var output = forward(tape);
        double sum = 0;
        var o = output.Span;
        for (int i = 0; i < o.Length; i++) sum += (double)o[i] * upstream[i];
        tape.Reset();
        return sum;
    }

    /// <summary>A tensor of the given shape with values in ±[low, high] (random sign), away from ReLU kinks.</summary>
    public static Tensor Random(Rng rng, float low, float high, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = rng.Uniform(low, high) * (rng.NextFloat() < 0.5f ? -1f : 1f);
        return t;
    }
}
