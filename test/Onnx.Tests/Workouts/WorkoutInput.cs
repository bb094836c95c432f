using MlNetDeep.Engine;
using MlNetDeep.Engine.Tests.Support;

namespace MlNetDeep.Onnx.Tests.Workouts;

/// <summary>
/// How a <see cref="WorkoutCase"/> makes its input for a batch of B rows: (B, row…). Float inputs are differentiable
/// and exported as a float graph input; token ids are exact float integers for the engine, int64 for ONNX Runtime, and
/// carry no gradient.
/// </summary>
internal sealed class WorkoutInput
{
    private readonly Func<Rng, int, Tensor> _generate;

    private WorkoutInput(int[] row, bool isTokens, Func<Rng, int, Tensor> generate)
    {
        Row = row;
        IsTokens = isTokens;
        _generate = generate;
    }

    /// <summary>Dimensions of one row (the input is (B, Row…)).</summary>
    public int[] Row { get; }

    /// <summary>True for token ids (no input gradient; int64 in ONNX).</summary>
    public bool IsTokens { get; }

    /// <summary>A (batch, Row…) input drawn from <paramref name="rng"/>.</summary>
    public Tensor Generate(Rng rng, int batch) => _generate(rng, batch);

    /// <summary>Values in ±[0.1, 1] with random sign: away from the ReLU kink at 0 (<see cref="GradCheck.Random"/>).</summary>
    public static WorkoutInput Floats(params int[] row) =>
        new(row, false, (rng, batch) => GradCheck.Random(rng, 0.1f, 1f, [batch, .. row]));

    /// <summary>
    /// A shuffled ramp centred on 0 in steps of 0.05: no two values closer than twice the finite-difference step, so
    /// the winner of a max never changes under a perturbation (max pooling would otherwise cross a near-tie).
    /// </summary>
    public static WorkoutInput Distinct(params int[] row) =>
        new(row, false, (rng, batch) =>
        {
            var t = Tensor.Zeros([batch, .. row]);
            var s = t.Span;
            for (int i = 0; i < s.Length; i++) s[i] = (i - s.Length / 2 + 0.5f) * 0.05f;
            rng.Shuffle(s);
            return t;
        });

    /// <summary>Ids in [0, <paramref name="vocabulary"/>), <paramref name="length"/> per row, no padding.</summary>
    public static WorkoutInput Tokens(int length, int vocabulary) =>
        new([length], true, (rng, batch) =>
        {
            var t = Tensor.Zeros(batch, length);
            var s = t.Span;
            for (int i = 0; i < s.Length; i++) s[i] = rng.NextInt(vocabulary);
            return t;
        });

    /// <summary>
    /// Texts of different lengths padded at the end: each row has 1 … <paramref name="length"/> real ids (never
    /// <paramref name="padId"/>) followed by pad ids. No row is empty, so the pad embedding never reaches the output.
    /// </summary>
    public static WorkoutInput PaddedTokens(int length, int vocabulary, int padId) =>
        new([length], true, (rng, batch) =>
        {
            var t = Tensor.Zeros(batch, length);
            var s = t.Span;
            for (int r = 0; r < batch; r++)
            {
                int real = 1 + (r * 2 + rng.NextInt(length)) % length; // rows differ in length
                for (int i = 0; i < length; i++)
                {
                    int id = rng.NextInt(vocabulary - 1);
                    s[r * length + i] = i < real ? (id >= padId ? id + 1 : id) : padId;
                }
            }
            return t;
        });
}
