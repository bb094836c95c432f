using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;
using MlNetDeep.Engine.Tests.Support;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// The encoder–decoder with attention: finite-difference gradients of the whole teacher-forced network for every cell,
/// attention kind, encoder direction and input feeding; the fused teacher-forced path against step-by-step decoding;
/// learning a small task; greedy and beam-search decoding rules.
/// </summary>
public class Seq2SeqTests
{
    private const int SourceVocabulary = 8, TargetVocabulary = 7;

    private static Seq2Seq Model(string cell, string attention, bool bidirectional, bool inputFeeding, int seed = 3, int hidden = 3,
        int embedding = 3, int layers = 1) =>
        new(new Seq2SeqSpec(SourceVocabulary, TargetVocabulary, embedding, Enum.Parse<RecurrentCellKind>(cell), hidden, layers,
            bidirectional, Enum.Parse<AttentionKind>(attention), inputFeeding, 0f), new Rng(seed));

    // Two sources (lengths 3 and 2, right-padded) and two targets (decoder inputs of lengths 3 and 2).
    private static readonly int[] Source = [4, 5, 3, 6, 3, Seq2SeqTokens.Pad];
    private static readonly int[] SourceLengths = [3, 2];
    private static readonly int[] TargetInput = [2, 4, 5, 2, 6, Seq2SeqTokens.Pad];
    private static readonly int[] TargetLengths = [3, 2];
    private static readonly int[] Targets = [4, 5, 3, 6, 3, -1];

    public static TheoryData<string, string, bool, bool> Variants() => new()
    {
        { "Gru", "Dot", false, false },
        { "Gru", "General", true, false },
        { "Gru", "Additive", true, true },
        { "Lstm", "General", true, false },
        { "Lstm", "Additive", false, true },
        { "Lstm", "Dot", false, true },
        { "Rnn", "Additive", true, false },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void TeacherForcedLogitsMatchFiniteDifferences(string cell, string attention, bool bidirectional, bool inputFeeding)
    {
        // Through the loss, which ignores padded steps (their logits differ between the fused and the step-by-step path).
        var model = Model(cell, attention, bidirectional, inputFeeding);
        model.SetTraining(false);
        GradCheck.Check(tape => Ops.TokenCrossEntropy(tape,
                model.TeacherForced(tape, model.Encode(tape, Source, 2, 3, SourceLengths), TargetInput, 3, TargetLengths), Targets),
            model.Parameters().ToArray(), atol: 3e-3);
    }

    [Fact]
    public void StackedEncoderAndLossMatchFiniteDifferences()
    {
        var model = Model("Gru", "General", true, false, layers: 2);
        model.SetTraining(false);
        GradCheck.Check(tape => Ops.TokenCrossEntropy(tape,
                model.TeacherForced(tape, model.Encode(tape, Source, 2, 3, SourceLengths), TargetInput, 3, TargetLengths), Targets, 0.1f),
            model.Parameters().ToArray(), atol: 3e-3);
    }

    [Theory]
    [InlineData("Gru", "Additive", true)]
    [InlineData("Lstm", "General", false)]
    public void FusedTeacherForcingEqualsStepByStepDecoding(string cell, string attention, bool bidirectional)
    {
        var model = Model(cell, attention, bidirectional, false, hidden: 5);
        model.SetTraining(false);
        var tape = new Tape { IsRecording = false };
        var encoded = model.Encode(tape, Source, 2, 3, SourceLengths);
        var fused = model.TeacherForced(tape, encoded, TargetInput, 3, TargetLengths).Span.ToArray();
        var state = encoded.Initial;
        for (int t = 0; t < 3; t++)
        {
            var step = model.Step(tape, encoded, state, [TargetInput[t], TargetInput[3 + t]]);
            state = step.State;
            for (int b = 0; b < 2; b++)
            {
                if (t >= TargetLengths[b]) continue; // padded steps are ignored by the loss
                for (int v = 0; v < TargetVocabulary; v++)
                    Assert.Equal(step.Logits.Span[b * TargetVocabulary + v], fused[(b * 3 + t) * TargetVocabulary + v], 5);
            }
        }
    }

    [Fact]
    public void ScheduledSamplingFeedsTheModelsOwnPredictions()
    {
        var model = Model("Gru", "General", false, false, hidden: 5);
        model.SetTraining(false);
        var tape = new Tape { IsRecording = false };
        var encoded = model.Encode(tape, Source, 2, 3, SourceLengths);
        var gold = model.TeacherForced(tape, encoded, TargetInput, 3, TargetLengths).Span.ToArray();
        var sampledNever = model.TeacherForced(tape, encoded, TargetInput, 3, TargetLengths, 1e-9f, new Rng(1)).Span.ToArray();
        var sampledAlways = model.TeacherForced(tape, encoded, TargetInput, 3, TargetLengths, 1f, new Rng(1)).Span.ToArray();
        for (int i = 0; i < gold.Length; i++)
            if (Targets[i / TargetVocabulary] >= 0) Assert.Equal(gold[i], sampledNever[i], 5); // padded steps are ignored by the loss
        Assert.NotEqual(gold, sampledAlways); // step 1 reads the arg-max of step 0, not the gold token
        Assert.Equal(gold.AsSpan(0, TargetVocabulary).ToArray(), sampledAlways.AsSpan(0, TargetVocabulary).ToArray()); // step 0 reads BOS either way
    }

    [Fact]
    public void LearnsToReverseShortSequences()
    {
        // Reverse 2–5 symbols out of 6: a task that needs attention to the right source position.
        var rng = new Rng(11);
        var model = new Seq2Seq(new Seq2SeqSpec(10, 10, 16, RecurrentCellKind.Gru, 32, 1, true, AttentionKind.General, false, 0f), rng);
        var adam = new Adam(model.Parameters(), 1e-2f);
        var tape = new Tape();
        const int batch = 32;
        for (int iteration = 0; iteration < 250; iteration++)
        {
            var (source, lengths, s) = RandomBatch(rng, batch, out var sequences);
            int t = s; // decoder inputs: BOS + reversed symbols (≤ S − 1 + 1)
            var input = Enumerable.Repeat(Seq2SeqTokens.Pad, batch * t).ToArray();
            var target = Enumerable.Repeat(-1, batch * t).ToArray();
            var targetLengths = new int[batch];
            for (int b = 0; b < batch; b++)
            {
                var reversed = sequences[b].Reverse().ToArray();
                input[b * t] = Seq2SeqTokens.Bos;
                for (int i = 0; i < reversed.Length; i++) { input[b * t + i + 1] = reversed[i]; target[b * t + i] = reversed[i]; }
                target[b * t + reversed.Length] = Seq2SeqTokens.Eos;
                targetLengths[b] = reversed.Length + 1;
            }
            var loss = Ops.TokenCrossEntropy(tape, model.TeacherForced(tape, model.Encode(tape, source, batch, s, lengths), input, t, targetLengths), target);
            adam.ZeroGrad();
            tape.Backward(loss);
            adam.Step();
            tape.Reset();
        }
        RandomBatch(new Rng(99), 200, out var tests);
        int correct = tests.Count(x => Seq2SeqDecoder.Greedy(model, [.. x, Seq2SeqTokens.Eos], 10).SequenceEqual(x.Reverse()));
        Assert.True(correct >= 180, $"{correct} of 200 reversed correctly");
    }

    private static (int[] Source, int[] Lengths, int S) RandomBatch(Rng rng, int batch, out int[][] sequences)
    {
        sequences = new int[batch][];
        for (int b = 0; b < batch; b++)
            sequences[b] = Enumerable.Range(0, 2 + rng.NextInt(4)).Select(_ => Seq2SeqTokens.Reserved + rng.NextInt(6)).ToArray();
        int s = sequences.Max(x => x.Length) + 1;
        var source = Enumerable.Repeat(Seq2SeqTokens.Pad, batch * s).ToArray();
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            sequences[b].CopyTo(source, b * s);
            source[b * s + sequences[b].Length] = Seq2SeqTokens.Eos;
            lengths[b] = sequences[b].Length + 1;
        }
        return (source, lengths, s);
    }
}
