using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models.Custom;

// The sequence layers of a NetworkDefinition. Per example a sequence is (T, F): time first, features last, as in Keras;
// token ids are (T). The engine's 1-D layers work channels-first, (B, F, T), so they read SequenceLayout.ChannelsFirst and
// NetworkDefinition.Build permutes once before a run of them (and after it, when a time-first layer follows): no Permute
// pair between two 1-D layers, and a Conv1d directly followed by GlobalMaxPool in one chain, which Sequential fuses into
// Ops.Conv1dMaxOverTime (sparse backward). The recurrent layers read (B, T, F) as it is.

/// <summary>The token input of a text trainer: the embedding table's rows and the padding id (the trainer's vocabulary).</summary>
/// <param name="Rows">Embedding rows: every id the input can hold, padding included.</param>
/// <param name="PadId">Id padding the texts to their length; its embedding row stays zero.</param>
/// <param name="InitStd">σ of the N(0, σ²) initial embeddings.</param>
internal sealed record TokenInput(int Rows, int PadId, float InitStd = TokenInput.DefaultInitStd)
{
    /// <summary>Small Keras-like embeddings, as the built-in text networks use (large ones make the first steps overconfident).</summary>
    public const float DefaultInitStd = 0.05f;
}

/// <summary>Token ids (T) → (T, E). Must be the first layer; its table size comes from the <see cref="TokenInput"/>.</summary>
internal sealed class EmbeddingSpec(int dimensions) : LayerSpec
{
    public int Dimensions => dimensions;

    public override string Name => $"Embedding({dimensions})";

    public override int[] OutputShape(int[] input) => input.Length == 1 ? [input[0], dimensions]
        : throw new ShapeMismatch("token ids (T)", ": Embedding must be the first layer of a text network");

    /// <summary>Rows·E for the trainer's vocabulary.</summary>
    public long Parameters(TokenInput tokens) => (long)tokens.Rows * dimensions;

    /// <summary>(B, T) ids → (B, T, E); the padding row starts at zero and gets no gradient.</summary>
    public Embedding Build(TokenInput tokens, Rng rng) => new(tokens.Rows, dimensions, rng, tokens.PadId, tokens.InitStd);

    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) =>
        throw new InvalidOperationException("An Embedding is built with the trainer's token input (NetworkDefinition.Build with tokens).");
}

/// <summary>1-D convolution over time: (T, F) → (⌊(T + 2·padding − k) / stride⌋ + 1, filters).</summary>
internal sealed class Conv1dSpec(int filters, int kernel, int stride, int padding) : LayerSpec
{
    public override string Name => $"Conv1d({filters}, {kernel}, stride {stride}, padding {padding})";

    public override int[] OutputShape(int[] input)
    {
        RequireSequence(input);
        if (input[0] + 2 * padding < kernel)
            throw new ShapeMismatch($"a sequence of at least {kernel} steps (with padding {padding})", ": lower the kernel size, pad, or pool less before it");
        return [(input[0] + 2 * padding - kernel) / stride + 1, filters];
    }

    public override long Parameters(int[] input) => input.Length == 2 ? (long)input[1] * filters * kernel + filters : 0;

    public override SequenceLayout Reads => SequenceLayout.ChannelsFirst;

    // (B, F, T) → (B, filters, T').
    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) =>
        new Layers.Conv1d(input[1], filters, kernel, rng, stride, padding);
}

/// <summary>Max pooling over time: (T, F) → (⌊(T − size) / stride⌋ + 1, F).</summary>
internal sealed class MaxPool1dSpec(int size, int stride) : LayerSpec
{
    public override string Name => $"MaxPool1d({size}, stride {stride})";

    public override int[] OutputShape(int[] input)
    {
        RequireSequence(input);
        if (input[0] < size) throw new ShapeMismatch($"a sequence of at least {size} steps", ": pool less or remove a pooling layer");
        return [(input[0] - size) / stride + 1, input[1]];
    }

    public override SequenceLayout Reads => SequenceLayout.ChannelsFirst;

    // (B, F, T) → (B, F, T').
    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) => new Layers.MaxPool1d(size, stride);
}

/// <summary>Maximum or mean of each feature over all steps: (T, F) → (F).</summary>
internal sealed class GlobalPool1dSpec(bool max) : LayerSpec
{
    public override string Name => max ? "GlobalMaxPool1d" : "GlobalAveragePool1d";

    public override int[] OutputShape(int[] input)
    {
        RequireSequence(input);
        return [input[1]];
    }

    public override SequenceLayout Reads => SequenceLayout.ChannelsFirst;

    // (B, F, T) → pool over the last axis → (B, F).
    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) => max ? new GlobalMaxPool() : new GlobalAvgPool();
}

/// <summary>
/// Stacked, optionally bidirectional RNN, LSTM or GRU: (T, F) → (dirs·H), the last layer's final state (both directions
/// concatenated), or with <see cref="ReturnSequences"/> every step's output (T, dirs·H).
/// </summary>
/// <param name="cell">Rnn, Lstm or Gru.</param>
/// <param name="hidden">H per direction.</param>
/// <param name="bidirectional">Both directions (dirs = 2).</param>
/// <param name="returnSequences">Every step's output instead of the final state.</param>
/// <param name="layers">Stacked layers.</param>
/// <param name="dropoutBetweenLayers">Dropout on the output of every stacked layer but the last, while training (the
/// recurrent presets' option; the public builder leaves it 0).</param>
internal sealed class RecurrentSpec(RecurrentCellKind cell, int hidden, bool bidirectional, bool returnSequences, int layers, float dropoutBetweenLayers = 0f) : LayerSpec
{
    public bool ReturnSequences => returnSequences;

    private int Directions => bidirectional ? 2 : 1;

    public override string Name =>
        $"{cell}({hidden}{(layers > 1 ? $", {layers} layers" : "")}{(bidirectional ? ", bidirectional" : "")}{(returnSequences ? ", sequences" : "")}{(dropoutBetweenLayers > 0 ? $", dropout {dropoutBetweenLayers}" : "")})";

    public override int[] OutputShape(int[] input)
    {
        RequireSequence(input);
        return returnSequences ? [input[0], Directions * hidden] : [Directions * hidden];
    }

    /// <summary>Per stacked layer and direction: W (G·H, in), R (G·H, H) and both biases (2·G·H), as <see cref="RecurrentLayer"/> stores them.</summary>
    public override long Parameters(int[] input)
    {
        if (input.Length != 2) return 0;
        long gh = (long)Ops.GateCount(cell) * hidden, total = 0;
        for (int l = 0; l < layers; l++)
        {
            long inputs = l == 0 ? input[1] : Directions * hidden;
            total += Directions * (gh * inputs + gh * hidden + 2 * gh);
        }
        return total;
    }

    /// <summary>The engine layer reading <paramref name="features"/> per step.</summary>
    public RecurrentLayer CreateLayer(int features, Rng rng) => cell switch
    {
        RecurrentCellKind.Lstm => new Lstm(features, hidden, rng, layers, bidirectional, dropoutBetweenLayers),
        RecurrentCellKind.Gru => new Gru(features, hidden, rng, layers, bidirectional, dropoutBetweenLayers),
        _ => new Rnn(features, hidden, rng, layers, bidirectional, dropoutBetweenLayers),
    };

    /// <summary>The final state of rows given flat: (B, T·F) → (B, dirs·H), for an <paramref name="input"/> of (T, F).</summary>
    public RecurrentEncoder BuildEncoder(int[] input, Rng rng) => new(CreateLayer(input[1], rng), input[0], input[1]);

    // Sequences: (B, T, F) → (B, T, dirs·H) directly. Final state: RecurrentEncoder reads the flattened (B, T·F) row.
    public override Module Build(int[] input, Rng rng, IEnumerable<LayerSpec> following) =>
        returnSequences ? CreateLayer(input[1], rng) : new Sequential(new Layers.Flatten(), BuildEncoder(input, rng));
}
