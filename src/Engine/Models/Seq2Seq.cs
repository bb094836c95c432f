using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models;

/// <summary>
/// Encoder–decoder with attention (Luong et al. 2015 layout): source ids (B, S) → embedding → stacked, optionally
/// bidirectional RNN/LSTM/GRU encoder → outputs (B, S, He) and final states; bridge → decoder initial state (1, B, Hd = He);
/// per target step: embedding of the previous token [‖ previous attentional vector when input feeding] → one decoder
/// cell step → query q (B, Hd) → attention over the encoder outputs → context c (B, He) →
/// attentional vector ã = tanh(W_c [q; c] + b_c) (B, Hd) → logits W_o ã + b_o (B, V).
/// </summary>
/// <remarks>
/// Bridge: the top encoder layer's final hidden (and LSTM cell) states, forward and backward concatenated
/// ([h_f; h_b], (B, 2H)), are the decoder's initial state, so the decoder's state size is the encoder's output size
/// (Hd = He = dirs·H; every attention kind, dot included, works with either encoder). No parameters.
/// Teacher forcing without input feeding or scheduled sampling runs the decoder over all target steps at once (one fused
/// recurrent op and one batched attention); otherwise it runs step by step. Both give the same values.
/// </remarks>
internal sealed class Seq2Seq : Module, IMultiInputModule
{
    private readonly Rng _dropoutRng;

    /// <inheritdoc/>
    public override IReadOnlyList<Rng> OwnGenerators => [_dropoutRng];

    /// <summary>Creates the network and initialises every parameter from <paramref name="rng"/>.</summary>
    /// <param name="spec">Sizes and kinds; checked here.</param>
    /// <param name="rng">Seeded generator.</param>
    public Seq2Seq(Seq2SeqSpec spec, Rng rng)
    {
        spec.Check();
        Spec = spec;
        int e = spec.EmbeddingSize, h = spec.HiddenSize, he = spec.EncoderOutputSize;
        SourceEmbedding = new Embedding(spec.SourceVocabularySize, e, rng, Seq2SeqTokens.Pad, initStd: 0.1f);
        Encoder = CreateRecurrent(spec.Cell, e, h, rng, spec.EncoderLayers, spec.BidirectionalEncoder, spec.DropoutRate);
        int hd = spec.DecoderSize;
        TargetEmbedding = new Embedding(spec.TargetVocabularySize, e, rng, Seq2SeqTokens.Pad, initStd: 0.1f);
        Decoder = CreateRecurrent(spec.Cell, spec.InputFeeding ? e + hd : e, hd, rng, 1, false, 0f);
        Attention = new Attention(spec.Attention, hd, he, rng);
        Combine = new Linear(hd + he, hd, rng);
        Output = new Linear(hd, spec.TargetVocabularySize, rng);
        _dropoutRng = new Rng(((long)rng.NextUInt32() << 32) | rng.NextUInt32());
    }

    /// <summary>Sizes and kinds.</summary>
    public Seq2SeqSpec Spec { get; }

    /// <summary>Source embedding (V_s, E), padding row 0.</summary>
    public Embedding SourceEmbedding { get; }

    /// <summary>Encoder (layers, dirs).</summary>
    public RecurrentLayer Encoder { get; }

    /// <summary>Target embedding (V, E), padding row 0.</summary>
    public Embedding TargetEmbedding { get; }

    /// <summary>One-layer unidirectional decoder of state size Hd; input E, or E + Hd with input feeding.</summary>
    public RecurrentLayer Decoder { get; }

    /// <summary>Attention of the decoder state over the encoder outputs.</summary>
    public Attention Attention { get; }

    /// <summary>W_c (Hd, Hd + He): the attentional vector tanh(W_c [q; c] + b_c).</summary>
    public Linear Combine { get; }

    /// <summary>W_o (V, Hd): vocabulary logits.</summary>
    public Linear Output { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children =>
        [SourceEmbedding, Encoder, TargetEmbedding, Decoder, Attention, Combine, Output];

    /// <summary>The network takes source and target ids: use <see cref="Encode"/>, <see cref="TeacherForced"/> and <see cref="Step"/>.</summary>
    /// <param name="tape">Unused.</param>
    /// <param name="x">Unused.</param>
    public override Tensor Forward(Tape tape, Tensor x) =>
        throw new NotSupportedException("Seq2Seq takes source and target ids: call Encode, then TeacherForced (training) or Step (decoding).");

    /// <summary>Runs the encoder and the bridge.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="source">(B, S) row-major source ids, right-padded with <see cref="Seq2SeqTokens.Pad"/>.</param>
    /// <param name="batch">B</param>
    /// <param name="length">S</param>
    /// <param name="lengths">[B] valid ids per row in [1, S]; kept unchanged while the tape is used.</param>
    public EncodedSource Encode(Tape tape, ReadOnlySpan<int> source, int batch, int length, int[] lengths)
    {
        var embedded = Regularise(tape, SourceEmbedding.Forward(tape, source, batch, length));
        var encoded = Encoder.ForwardFrom(tape, embedded, lengths, null, null);
        int dirs = Encoder.Directions, top = (Encoder.NumberOfLayers - 1) * dirs;
        var hidden = Bridge(tape, Ops.SliceOuter(tape, encoded.FinalHidden, top, dirs));
        var cell = encoded.FinalCell is null ? null : Bridge(tape, Ops.SliceOuter(tape, encoded.FinalCell, top, dirs));
        return new EncodedSource(Attention.Prepare(tape, encoded.Output, lengths), new DecoderState(hidden, cell, null), batch);
    }

    /// <summary>One decoding step for every row.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="source">From <see cref="Encode"/> (rows may be repeated for beams).</param>
    /// <param name="state">Decoder state before the step (the source's initial state at step 0).</param>
    /// <param name="tokens">[B] previous target ids (<see cref="Seq2SeqTokens.Bos"/> at step 0).</param>
    /// <returns>Logits (B, V), the state after the step and the attention weights (B, S).</returns>
    public DecoderStep Step(Tape tape, EncodedSource source, DecoderState state, ReadOnlySpan<int> tokens)
    {
        int b = source.Batch, h = Spec.DecoderSize;
        var input = Regularise(tape, TargetEmbedding.Forward(tape, tokens, b, 1)); // (B, 1, E)
        if (Spec.InputFeeding)
        {
            var feed = state.AttentionalVector ?? tape.Pool.Rent(true, b, h);
            input = Ops.Concat(tape, 2, [input, Ops.Reshape(tape, feed, b, 1, h)]); // (B, 1, E + H)
        }
        var run = Decoder.ForwardFrom(tape, input, null, state.Hidden, state.Cell);
        var query = Ops.Reshape(tape, run.Output, b, h);
        var attention = Attention.Attend(tape, query, source.Attention);
        var attentional = Ops.Tanh(tape, Combine.Forward(tape, Ops.Concat(tape, 1, [query, attention.Context])));
        var logits = Output.Forward(tape, Regularise(tape, attentional));
        return new DecoderStep(logits, new DecoderState(run.FinalHidden, run.FinalCell, attentional), attention.Weights);
    }

    /// <summary>
    /// Teacher-forced logits of every target step: the decoder reads [BOS, y₁ … y_{T−1}] (or, with scheduled sampling,
    /// its own previous arg-max in place of a gold token with probability <paramref name="samplingRatio"/> per row and step).
    /// </summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="source">From <see cref="Encode"/>.</param>
    /// <param name="targetInput">(B, T) row-major decoder inputs, right-padded.</param>
    /// <param name="steps">T</param>
    /// <param name="targetLengths">[B] valid decoder inputs per row in [1, T]; kept unchanged while the tape is used.</param>
    /// <param name="samplingRatio">Scheduled-sampling probability in [0, 1]; 0 is plain teacher forcing.</param>
    /// <param name="samplingRng">Generator for scheduled sampling (unused when the ratio is 0).</param>
    /// <param name="stepwise">Run step by step even when the fused path applies (the same values; for benchmarks and tests).</param>
    /// <returns>(B·T, V) logits, row b·T + t for step t of sequence b.</returns>
    public Tensor TeacherForced(Tape tape, EncodedSource source, ReadOnlySpan<int> targetInput, int steps, int[] targetLengths,
        float samplingRatio = 0f, Rng? samplingRng = null, bool stepwise = false)
    {
        int b = source.Batch, v = Spec.TargetVocabularySize;
        if (targetInput.Length != b * steps) throw new ArgumentException($"{targetInput.Length} target ids do not fill ({b}, {steps}).", nameof(targetInput));
        if (!(samplingRatio >= 0f && samplingRatio <= 1f)) throw new ArgumentOutOfRangeException(nameof(samplingRatio), samplingRatio, "Must lie in [0, 1].");
        if (!Spec.InputFeeding && samplingRatio == 0f && !stepwise)
        {
            // Fused: every decoder input is known, so the recurrence is one op over T steps and attention one batched op.
            var embedded = Regularise(tape, TargetEmbedding.Forward(tape, targetInput, b, steps));          // (B, T, E)
            var states = Decoder.ForwardFrom(tape, embedded, targetLengths, source.Initial.Hidden, source.Initial.Cell).Output; // (B, T, H)
            var context = Attention.Attend(tape, states, source.Attention).Context;                          // (B, T, He)
            var joined = Ops.Concat(tape, 2, [states, context]);                                             // (B, T, H + He)
            var attentional = Ops.Tanh(tape, Combine.Forward(tape, Ops.Reshape(tape, joined, b * steps, joined.Shape[2])));
            return Output.Forward(tape, Regularise(tape, attentional));                                      // (B·T, V)
        }

        var state = source.Initial;
        var tokens = new int[b];
        var perStep = new Tensor[steps];
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < b; i++)
                tokens[i] = t > 0 && samplingRatio > 0f && samplingRng!.NextFloat() < samplingRatio
                    ? ArgMax(perStep[t - 1].Span.Slice(i * v, v))
                    : targetInput[i * steps + t];
            var step = Step(tape, source, state, tokens);
            perStep[t] = step.Logits;
            state = step.State;
        }
        var all = Ops.Concat(tape, 1, perStep.Select(l => Ops.Reshape(tape, l, b, 1, v)).ToArray()); // (B, T, V)
        return Ops.Reshape(tape, all, b * steps, v);
    }

    /// <summary>First index of the largest value (ties go to the lower index, as ONNX ArgMax and TopK).</summary>
    /// <param name="values">A row of logits or scores.</param>
    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private Tensor Regularise(Tape tape, Tensor x) => Ops.Dropout(tape, x, Spec.DropoutRate, IsTraining, _dropoutRng);

    /// <summary>Final states of the top encoder layer (dirs, B, H) → decoder initial state (1, B, dirs·H) = [forward; backward].</summary>
    private static Tensor Bridge(Tape tape, Tensor states)
    {
        if (states.Shape[0] == 1) return states; // unidirectional: (1, B, H) already
        int b = states.Shape[1], h = states.Shape[2];
        return Ops.Reshape(tape, Ops.SwapOuterAxes(tape, states), 1, b, 2 * h); // (B, 2, H) → (1, B, 2H)
    }

    private static RecurrentLayer CreateRecurrent(RecurrentCellKind cell, int input, int hidden, Rng rng, int layers, bool bidirectional, float dropout) => cell switch
    {
        RecurrentCellKind.Rnn => new Rnn(input, hidden, rng, layers, bidirectional, dropout),
        RecurrentCellKind.Gru => new Gru(input, hidden, rng, layers, bidirectional, dropout),
        _ => new Lstm(input, hidden, rng, layers, bidirectional, dropout),
    };
}

/// <summary>Decoder recurrent state between steps.</summary>
/// <param name="Hidden">(1, B, H)</param>
/// <param name="Cell">(1, B, H) for LSTM, otherwise null.</param>
/// <param name="AttentionalVector">(B, H) the previous step's ã (input feeding), or null before the first step.</param>
internal sealed record DecoderState(Tensor Hidden, Tensor? Cell, Tensor? AttentionalVector);

/// <summary>The encoded source batch.</summary>
/// <param name="Attention">Keys, values and lengths for the attention.</param>
/// <param name="Initial">Decoder state before the first step.</param>
/// <param name="Batch">B</param>
internal sealed record EncodedSource(AttentionSource Attention, DecoderState Initial, int Batch);

/// <summary>Result of one decoder step.</summary>
/// <param name="Logits">(B, V)</param>
/// <param name="State">State after the step.</param>
/// <param name="Weights">(B, S) attention weights.</param>
internal sealed record DecoderStep(Tensor Logits, DecoderState State, Tensor Weights);
