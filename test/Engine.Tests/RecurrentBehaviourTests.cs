using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;
using MlNetDeep.Engine.Tests.Support;

namespace MlNetDeep.Engine.Tests;

/// <summary>Padding invariance, truncated BPTT, initialisation, gate reorder, training and layer options of Rnn/Lstm/Gru.</summary>
public class RecurrentBehaviourTests
{
    private const int I = 3, H = 4, T = 5;

    public static TheoryData<RecurrentCellKind, bool, int> PaddingCases()
    {
        var data = new TheoryData<RecurrentCellKind, bool, int>();
        foreach (var cell in new[] { RecurrentCellKind.Rnn, RecurrentCellKind.Lstm, RecurrentCellKind.Gru })
            foreach (bool bidirectional in new[] { false, true })
                foreach (int truncate in new[] { 0, 2 })
                    data.Add(cell, bidirectional, truncate);
        return data;
    }

    [Theory]
    [MemberData(nameof(PaddingCases))]
    public void PaddingNeverChangesASequencesOutputsStateOrGradients(RecurrentCellKind cell, bool bidirectional, int truncate)
    {
        var rng = new Rng(41);
        var layer = RecurrentGradientTests.MakeLayer(cell, I, H, rng, 2, bidirectional);
        layer.SetTraining(false);
        layer.TruncateBackpropAfter = truncate;
        int len = 3, f = layer.OutputSize, states = 2 * layer.Directions;

        // The sequence alone, (1, len, I), and at batch row 1 of (3, T, I) padded with garbage, between two full-length rows.
        var alone = GradCheck.Random(rng, 0.1f, 1f, 1, len, I);
        var batch = GradCheck.Random(rng, 0.1f, 1f, 3, T, I);
        alone.Span.CopyTo(batch.Span.Slice(T * I, len * I));
        int[] lengths = [T, len, T - 1];
        var upAlone = RandomArray(rng, len * f);
        var upBatch = RandomArray(rng, 3 * T * f);
        for (int s = 0; s < len; s++) upAlone.AsSpan(s * f, f).CopyTo(upBatch.AsSpan((T + s) * f, f));

        var (outA, hA, cA, dxA) = Run(layer, alone, null, upAlone);
        var (outB, hB, cB, dxB) = Run(layer, batch, lengths, upBatch);
        for (int s = 0; s < T; s++)
            for (int j = 0; j < f; j++)
                Assert.Equal(s < len ? outA[s * f + j] : 0f, outB[(T + s) * f + j], 6);
        for (int k = 0; k < states; k++)
            for (int j = 0; j < H; j++)
            {
                Assert.Equal(hA[k * H + j], hB[(k * 3 + 1) * H + j], 6);
                if (cA is not null) Assert.Equal(cA[k * H + j], cB![(k * 3 + 1) * H + j], 6);
            }
        for (int s = 0; s < T; s++)
            for (int j = 0; j < I; j++)
                Assert.Equal(s < len ? dxA[s * I + j] : 0f, dxB[(T + s) * I + j], 5);

        // Gradients through the final state only.
        var (_, _, _, dxHA) = Run(layer, alone, null, null, finalUpstream: Enumerable.Repeat(1f, states * H).ToArray());
        var upH = new float[states * 3 * H];
        for (int k = 0; k < states; k++) upH.AsSpan((k * 3 + 1) * H, H).Fill(1f);
        var (_, _, _, dxHB) = Run(layer, batch, lengths, null, finalUpstream: upH);
        for (int s = 0; s < T; s++)
            for (int j = 0; j < I; j++)
                Assert.Equal(s < len ? dxHA[s * I + j] : 0f, dxHB[(T + s) * I + j], 5);
    }

    [Theory]
    [InlineData(RecurrentCellKind.Rnn)]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    public void TruncationKeepsForwardAndEqualsFullBpttWhenKIsAtLeastT(RecurrentCellKind cell)
    {
        var rng = new Rng(3);
        var layer = RecurrentGradientTests.MakeLayer(cell, I, H, rng, 1, bidirectional: true);
        var x = GradCheck.Random(rng, 0.1f, 1f, 2, T, I);
        var up = RandomArray(rng, 2 * T * layer.OutputSize);
        var full = Run(layer, x, [T, 3], up);
        layer.TruncateBackpropAfter = T;
        var atT = Run(layer, x, [T, 3], up);
        layer.TruncateBackpropAfter = 1000;
        var huge = Run(layer, x, [T, 3], up);
        layer.TruncateBackpropAfter = 2;
        var cut = Run(layer, x, [T, 3], up);
        Assert.Equal(full.Output, cut.Output);   // forward unchanged
        Assert.Equal(full.Dx, atT.Dx);
        Assert.Equal(full.Dx, huge.Dx);
        Assert.True(full.Dx.Zip(cut.Dx).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "k = 2 must change the gradients");
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.TruncateBackpropAfter = -1);
    }

    [Fact]
    public void GateReorderBetweenPyTorchAndOnnxOrder()
    {
        // Blocks of 2 elements (H = 2, one column): PyTorch LSTM i f g o → ONNX i o f c.
        float[] lstmTorch = [1, 1, 2, 2, 3, 3, 4, 4]; // i=1, f=2, g=3, o=4
        var lstmOnnx = new float[8];
        RecurrentGateOrder.Reorder(RecurrentCellKind.Lstm, lstmTorch, lstmOnnx, toOnnx: true);
        Assert.Equal([1, 1, 4, 4, 2, 2, 3, 3], lstmOnnx); // i, o, f, c
        var back = new float[8];
        RecurrentGateOrder.Reorder(RecurrentCellKind.Lstm, lstmOnnx, back, toOnnx: false);
        Assert.Equal(lstmTorch, back);

        // GRU r z n → z r h, on a (3H, in) = (3, 2) weight with H = 1.
        float[] gruTorch = [10, 11, 20, 21, 30, 31]; // r row, z row, n row
        var gruOnnx = new float[6];
        RecurrentGateOrder.Reorder(RecurrentCellKind.Gru, gruTorch, gruOnnx, toOnnx: true);
        Assert.Equal([20, 21, 10, 11, 30, 31], gruOnnx);
        RecurrentGateOrder.Reorder(RecurrentCellKind.Gru, gruOnnx, back.AsSpan(0, 6), toOnnx: false);
        Assert.Equal(gruTorch, back[..6]);

        float[] rnn = [5, 6];
        var rnnOut = new float[2];
        RecurrentGateOrder.Reorder(RecurrentCellKind.Rnn, rnn, rnnOut, toOnnx: true);
        Assert.Equal(rnn, rnnOut);
        Assert.Throws<ArgumentException>(() => RecurrentGateOrder.Reorder(RecurrentCellKind.Lstm, new float[6], new float[6], true));
    }

    [Fact]
    public void InitialisationBreaksSymmetryWithOrthogonalRecurrenceAndForgetBiasOne()
    {
        var lstm = new Lstm(I, H, new Rng(1), numberOfLayers: 2, bidirectional: true);
        Assert.Equal(2L * (2 * (4 * H * I + 4 * H * H + 8 * H)) + 2 * 4 * H * (2 * H - I), lstm.ParameterCount());
        Assert.Equal([2, 4 * H, 2 * H], lstm.InputWeights[1].Shape);
        for (int l = 0; l < 2; l++)
        {
            var b = lstm.Biases[l].Span;
            for (int d = 0; d < 2; d++)
                for (int j = 0; j < 8 * H; j++)
                    Assert.Equal(j >= 2 * H && j < 3 * H ? 1f : 0f, b[d * 8 * H + j]); // Wb_f = 1, everything else 0
            // Every (H, H) gate block of R is orthogonal: Q·Qᵀ = I.
            var r = lstm.RecurrentWeights[l].Span;
            for (int blk = 0; blk < 8; blk++)
                for (int a = 0; a < H; a++)
                    for (int c = 0; c < H; c++)
                    {
                        double dot = 0;
                        for (int j = 0; j < H; j++) dot += r[blk * H * H + a * H + j] * r[blk * H * H + c * H + j];
                        Assert.Equal(a == c ? 1.0 : 0.0, dot, 5);
                    }
            Assert.Equal(lstm.InputWeights[l].Length, lstm.InputWeights[l].Span.ToArray().Distinct().Count());
        }
        var again = new Lstm(I, H, new Rng(1), numberOfLayers: 2, bidirectional: true);
        Assert.True(lstm.Parameters().Zip(again.Parameters()).All(p => p.First.Span.SequenceEqual(p.Second.Span)), "deterministic for a seed");
    }

    [Theory]
    [InlineData(RecurrentCellKind.Rnn)]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    public void TrainingStepsLowerTheLoss(RecurrentCellKind cell)
    {
        var rng = new Rng(9);
        var layer = RecurrentGradientTests.MakeLayer(cell, I, H, rng, 2, bidirectional: true);
        var x = GradCheck.Random(rng, 0.1f, 1f, 4, T, I);
        var target = GradCheck.Random(rng, 0.1f, 0.5f, 4, T, layer.OutputSize);
        int[] lengths = [T, 2, 4, 1];
        for (int b = 0; b < 4; b++) target.Span.Slice(b * T * layer.OutputSize + lengths[b] * layer.OutputSize, (T - lengths[b]) * layer.OutputSize).Clear();
        var optimizer = new Adam(layer.Parameters(), 0.02f);
        float first = 0, last = 0;
        var tape = new Tape();
        for (int step = 0; step < 30; step++)
        {
            Parameter.ZeroGrad(layer.Parameters());
            var loss = Ops.MseLoss(tape, layer.Forward(tape, x, lengths).Output, target);
            if (step == 0) first = loss.Span[0];
            last = loss.Span[0];
            tape.Backward(loss);
            optimizer.Step();
            tape.Reset();
        }
        Assert.True(last < 0.5f * first, $"loss {first} → {last}");
    }

    [Fact]
    public void DropoutBetweenLayersOnlyWhileTraining()
    {
        var gru = new Gru(I, H, new Rng(4), numberOfLayers: 2, dropoutBetweenLayers: 0.5f);
        var x = GradCheck.Random(new Rng(5), 0.1f, 1f, 2, T, I);
        var train1 = gru.Forward(new Tape(), x).Span.ToArray();
        var train2 = gru.Forward(new Tape(), x).Span.ToArray();
        Assert.NotEqual(train1, train2);
        gru.SetTraining(false);
        var eval1 = gru.Forward(new Tape { IsRecording = false }, x).Span.ToArray();
        var eval2 = gru.Forward(new Tape { IsRecording = false }, x).Span.ToArray();
        Assert.Equal(eval1, eval2);
    }

    [Fact]
    public void InvalidArgumentsThrow()
    {
        var lstm = new Lstm(I, H, new Rng(1));
        var x = Tensor.Zeros(2, T, I);
        Assert.Throws<ArgumentException>(() => lstm.Forward(new Tape(), x, [T, 0]));
        Assert.Throws<ArgumentException>(() => lstm.Forward(new Tape(), x, [T, T + 1]));
        Assert.Throws<ArgumentException>(() => lstm.Forward(new Tape(), x, [T]));
        Assert.Throws<ArgumentException>(() => lstm.Forward(new Tape(), Tensor.Zeros(2, T, I + 1), null));
        Assert.Throws<ArgumentException>(() => lstm.Forward(new Tape(), x, null, Tensor.Zeros(2, 2, H), null));
        var gru = new Gru(I, H, new Rng(1));
        Assert.Throws<ArgumentException>(() => Ops.Recurrent(new Tape(), RecurrentCellKind.Gru, x, gru.InputWeights[0], gru.RecurrentWeights[0],
            gru.Biases[0], c0: Tensor.Zeros(1, 2, H)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Rnn(I, 0, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Lstm(I, H, new Rng(1), dropoutBetweenLayers: 1f));
    }

    private static float[] RandomArray(Rng rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.Uniform(-1f, 1f);
        return a;
    }

    private static (float[] Output, float[] Hidden, float[]? Cell, float[] Dx) Run(RecurrentLayer layer, Tensor x, int[]? lengths,
        float[]? upstream, float[]? finalUpstream = null)
    {
        Parameter.MakeTrainable(x);
        Parameter.ZeroGrad([x]);
        Parameter.ZeroGrad(layer.Parameters());
        var tape = new Tape();
        var result = layer.Forward(tape, x, lengths);
        if (upstream is not null) tape.Backward(result.Output, upstream);
        else tape.Backward(result.FinalHidden, finalUpstream!);
        var r = (result.Output.Span.ToArray(), result.FinalHidden.Span.ToArray(), result.FinalCell?.Span.ToArray(), x.Grad!.Span.ToArray());
        tape.Reset();
        return r;
    }
}
