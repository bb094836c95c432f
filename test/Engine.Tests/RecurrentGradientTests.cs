using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Tests.Support;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// Finite-difference checks of the fused recurrent op and layers (B = 2, T = 4, I = 3, H = 3). Every output
/// (Output, FinalHidden, FinalCell) is checked separately with a random upstream gradient, w.r.t. every element of
/// x, W, R, bias and the initial states. A wrong gate or block order moves gradients by O(0.1), far above the tolerance.
/// </summary>
public class RecurrentGradientTests
{
    private const int B = 2, T = 4, I = 3, H = 3;

    public static TheoryData<RecurrentCellKind, bool, bool, bool> Cases()
    {
        var data = new TheoryData<RecurrentCellKind, bool, bool, bool>();
        foreach (var cell in new[] { RecurrentCellKind.Rnn, RecurrentCellKind.Lstm, RecurrentCellKind.Gru })
            foreach (bool bidirectional in new[] { false, true })
                foreach (bool masked in new[] { false, true })
                    data.Add(cell, bidirectional, masked, masked); // the masked cases also start from h0 (and c0)
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedOpMatchesFiniteDifferences(RecurrentCellKind cell, bool bidirectional, bool masked, bool initialState) =>
        CheckOp(cell, bidirectional ? 2 : 1, masked ? [4, 2] : null, initialState, RnnActivation.Tanh, truncate: 0, seed: 11);

    [Theory]
    [InlineData(false, false, 11)]
    [InlineData(true, true, 11)]
    [InlineData(true, true, 12)]
    [InlineData(true, true, 13)]
    public void ReluRnnMatchesFiniteDifferences(bool bidirectional, bool masked, int seed) =>
        // A small step: ReLU's kink makes the central difference wrong whenever a pre-activation lies within one step of 0.
        CheckOp(RecurrentCellKind.Rnn, bidirectional ? 2 : 1, masked ? [4, 2] : null, masked, RnnActivation.Relu, truncate: 0, seed, step: 1e-3f);

    [Theory]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    [InlineData(RecurrentCellKind.Rnn)]
    public void TruncatedBackpropIsTheExactGradientOfTheCutGraph(RecurrentCellKind cell)
    {
        // With k = 2 the analytic gradient ignores the paths across the cut; check it against finite differences of a
        // graph that really cuts there: two chained ops whose second starts from a constant copy of the first's state.
        var rng = new Rng(5);
        int g = Ops.GateCount(cell);
        var x = GradCheck.Random(rng, 0.1f, 1f, 1, 4, I);
        var w = GradCheck.Random(rng, 0.1f, 0.8f, 1, g * H, I);
        var r = GradCheck.Random(rng, 0.1f, 0.8f, 1, g * H, H);
        var b = GradCheck.Random(rng, 0.1f, 0.5f, 1, 2 * g * H);
        var up = new float[4 * H];
        for (int i = 0; i < up.Length; i++) up[i] = rng.Uniform(-1f, 1f);

        var truncated = Gradients(t => Ops.Recurrent(t, cell, x, w, r, b, truncateBackpropAfter: 2).Output, [x, w, r, b], up);
        var full = Gradients(t => Ops.Recurrent(t, cell, x, w, r, b, truncateBackpropAfter: 4).Output, [x, w, r, b], up);
        var reference = Gradients(t => Ops.Recurrent(t, cell, x, w, r, b).Output, [x, w, r, b], up);
        for (int k = 0; k < 4; k++) Assert.Equal(reference[k], full[k]); // k ≥ T is full BPTT, bit for bit

        // Cut graph: steps 0-1 from zero state, steps 2-3 from a constant copy of the state after step 1.
        var x01 = Tensor.FromArray(x.Span[..(2 * I)], 1, 2, I);
        var x23 = Tensor.FromArray(x.Span[(2 * I)..], 1, 2, I);
        var first = Ops.Recurrent(new Tape { IsRecording = false }, cell, x01, w, r, b);
        var hMid = first.FinalHidden.Clone();
        var cMid = first.FinalCell?.Clone();
        var cutX = new float[x.Length];
        var dx1 = Gradients(t => Ops.Recurrent(t, cell, x01, w, r, b).Output, [x01], up[..(2 * H)]);
        var dx2 = Gradients(t => Ops.Recurrent(t, cell, x23, w, r, b, h0: hMid, c0: cMid).Output, [x23], up[(2 * H)..]);
        dx1[0].CopyTo(cutX, 0);
        dx2[0].CopyTo(cutX, 2 * I);
        for (int i = 0; i < cutX.Length; i++) Assert.Equal(cutX[i], truncated[0][i], 4);
        // ... and it really differs from full BPTT for the first chunk's inputs.
        Assert.True(Enumerable.Range(0, 2 * I).Max(i => Math.Abs(truncated[0][i] - reference[0][i])) > 1e-3);
    }

    [Theory]
    [InlineData(RecurrentCellKind.Rnn)]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    public void TruncationLongerThanTheSequenceMatchesFiniteDifferences(RecurrentCellKind cell) =>
        // k = 3 ≥ T = 2 cuts nothing: the truncation path must still give the exact gradient (masked, bidirectional, h0/c0).
        CheckOp(cell, 2, [2, 1], initialState: true, RnnActivation.Tanh, truncate: 3, seed: 21, t: 2);

    [Theory]
    [InlineData(RecurrentCellKind.Rnn, false)]
    [InlineData(RecurrentCellKind.Lstm, false)]
    [InlineData(RecurrentCellKind.Gru, false)]
    [InlineData(RecurrentCellKind.Rnn, true)]
    [InlineData(RecurrentCellKind.Lstm, true)]
    [InlineData(RecurrentCellKind.Gru, true)]
    public void StackedTwoLayerLayerMatchesFiniteDifferences(RecurrentCellKind cell, bool bidirectional)
    {
        var rng = new Rng(31);
        RecurrentLayer layer = MakeLayer(cell, I, H, rng, 2, bidirectional);
        layer.SetTraining(false);
        int states = 2 * layer.Directions;
        var x = GradCheck.Random(rng, 0.1f, 1f, B, T, I);
        var h0 = GradCheck.Random(rng, 0.1f, 0.5f, states, B, H);
        var c0 = GradCheck.Random(rng, 0.1f, 0.5f, states, B, H);
        int[] lengths = [3, 4];
        var inputs = new List<Tensor> { x, h0 };
        if (cell == RecurrentCellKind.Lstm) inputs.Add(c0);
        inputs.AddRange(layer.Parameters());
        RecurrentOutput Run(Tape t) => layer switch
        {
            Lstm l => l.Forward(t, x, lengths, h0, c0),
            Gru g => g.Forward(t, x, lengths, h0),
            Rnn n => n.Forward(t, x, lengths, h0),
            _ => throw new InvalidOperationException(),
        };
        GradCheck.Check(t => Run(t).Output, inputs);
        GradCheck.Check(t => Run(t).FinalHidden, inputs);
        if (cell == RecurrentCellKind.Lstm) GradCheck.Check(t => Run(t).FinalCell!, inputs);
    }

    internal static RecurrentLayer MakeLayer(RecurrentCellKind cell, int inputSize, int hidden, Rng rng, int layers, bool bidirectional,
        RnnActivation activation = RnnActivation.Tanh) => cell switch
    {
        RecurrentCellKind.Lstm => new Lstm(inputSize, hidden, rng, layers, bidirectional),
        RecurrentCellKind.Gru => new Gru(inputSize, hidden, rng, layers, bidirectional),
        _ => new Rnn(inputSize, hidden, rng, layers, bidirectional, activation: activation),
    };

    private static void CheckOp(RecurrentCellKind cell, int dirs, int[]? lengths, bool initialState, RnnActivation activation,
        int truncate, int seed, int t = T, float step = 1e-2f)
    {
        var rng = new Rng(seed);
        int g = Ops.GateCount(cell);
        var x = GradCheck.Random(rng, 0.1f, 1f, B, t, I);
        var w = GradCheck.Random(rng, 0.1f, 0.8f, dirs, g * H, I);
        var r = GradCheck.Random(rng, 0.1f, 0.8f, dirs, g * H, H);
        var b = GradCheck.Random(rng, 0.1f, 0.5f, dirs, 2 * g * H);
        var inputs = new List<Tensor> { x, w, r, b };
        Tensor? h0 = null, c0 = null;
        if (initialState)
        {
            inputs.Add(h0 = GradCheck.Random(rng, 0.1f, 0.8f, dirs, B, H));
            if (cell == RecurrentCellKind.Lstm) inputs.Add(c0 = GradCheck.Random(rng, 0.1f, 0.8f, dirs, B, H));
        }
        RecurrentOutput Run(Tape tape) => Ops.Recurrent(tape, cell, x, w, r, b, lengths, h0, c0, activation, truncate);
        GradCheck.Check(tape => Run(tape).Output, inputs, step: step);
        GradCheck.Check(tape => Run(tape).FinalHidden, inputs, step: step);
        if (cell == RecurrentCellKind.Lstm) GradCheck.Check(tape => Run(tape).FinalCell!, inputs, step: step);
    }

    /// <summary>Analytic gradients of Σ output ⊙ upstream w.r.t. each input.</summary>
    internal static float[][] Gradients(Func<Tape, Tensor> forward, IReadOnlyList<Tensor> inputs, float[] upstream)
    {
        foreach (var t in inputs) Parameter.MakeTrainable(t);
        Parameter.ZeroGrad(inputs);
        var tape = new Tape();
        var output = forward(tape);
        tape.Backward(output, upstream);
        var result = inputs.Select(t => t.Grad!.Span.ToArray()).ToArray();
        tape.Reset();
        return result;
    }
}
