namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Base of the stacked, optionally bidirectional recurrent layers <see cref="Rnn"/>, <see cref="Lstm"/> and <see cref="Gru"/>.
/// Each stacked layer l runs <see cref="Ops.Recurrent"/> with its own W, R and bias stored in ONNX layout and gate
/// order (cell equations: <see cref="RecurrentCellKind"/>), so ONNX export is a copy. Inputs are batch-first.
/// </summary>
/// <remarks>
/// Initialisation (Keras' defaults, plus the LSTM forget-gate bias): each gate block of W (H, in_l) is Glorot
/// uniform U(±√(6/(in_l + H))); each (H, H) gate block of R is a random orthogonal matrix; biases are zero except
/// the LSTM forget gate's input bias Wb_f = 1 (Rb_f = 0), so the cell remembers by default.
/// Between stacked layers, inverted dropout with <see cref="DropoutBetweenLayers"/> is applied while training.
/// </remarks>
internal abstract class RecurrentLayer : Module
{
    private readonly Tensor[] _w, _r, _b;
    private readonly Rng _dropoutRng;

    /// <inheritdoc/>
    public override IReadOnlyList<Rng> OwnGenerators => [_dropoutRng];

    /// <summary>Creates the layer and initialises its parameters.</summary>
    /// <param name="cell">Cell kind.</param>
    /// <param name="inputSize">Input features I.</param>
    /// <param name="hiddenSize">Hidden size H.</param>
    /// <param name="rng">Seeded generator for the weights and the dropout masks.</param>
    /// <param name="numberOfLayers">Stacked layers (≥ 1); layer l &gt; 0 reads the (B, T, dirs·H) output of layer l − 1.</param>
    /// <param name="bidirectional">Add a reverse direction; outputs are concatenated on the feature axis.</param>
    /// <param name="dropoutBetweenLayers">Dropout probability on the output of every layer except the last, while training.</param>
    /// <param name="activation">RNN activation (LSTM and GRU ignore it).</param>
    private protected RecurrentLayer(RecurrentCellKind cell, int inputSize, int hiddenSize, Rng rng, int numberOfLayers,
        bool bidirectional, float dropoutBetweenLayers, RnnActivation activation)
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "Must be positive.");
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, "Must be positive.");
        if (numberOfLayers <= 0) throw new ArgumentOutOfRangeException(nameof(numberOfLayers), numberOfLayers, "Must be positive.");
        if (!(dropoutBetweenLayers >= 0f && dropoutBetweenLayers < 1f))
            throw new ArgumentOutOfRangeException(nameof(dropoutBetweenLayers), dropoutBetweenLayers, "Dropout probability must lie in [0, 1).");
        Cell = cell;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumberOfLayers = numberOfLayers;
        Bidirectional = bidirectional;
        DropoutBetweenLayers = dropoutBetweenLayers;
        Activation = activation;
        int dirs = Directions, gh = Ops.GateCount(cell) * hiddenSize;
        _w = new Tensor[numberOfLayers];
        _r = new Tensor[numberOfLayers];
        _b = new Tensor[numberOfLayers];
        for (int l = 0; l < numberOfLayers; l++)
        {
            _w[l] = Parameter.Create(dirs, gh, LayerInputSize(l));
            _r[l] = Parameter.Create(dirs, gh, hiddenSize);
            _b[l] = Parameter.Create(dirs, 2 * gh);
        }
        ResetParameters(rng);
        _dropoutRng = new Rng(((long)rng.NextUInt32() << 32) | rng.NextUInt32());
    }

    /// <summary>Cell kind.</summary>
    public RecurrentCellKind Cell { get; }

    /// <summary>Input features I of the first layer.</summary>
    public int InputSize { get; }

    /// <summary>Hidden size H of every layer and direction.</summary>
    public int HiddenSize { get; }

    /// <summary>Number of stacked layers.</summary>
    public int NumberOfLayers { get; }

    /// <summary>True when every layer also runs a reverse direction.</summary>
    public bool Bidirectional { get; }

    /// <summary>Directions per layer: 1, or 2 when <see cref="Bidirectional"/>.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Output features dirs·H.</summary>
    public int OutputSize => Directions * HiddenSize;

    /// <summary>Dropout probability between stacked layers while training.</summary>
    public float DropoutBetweenLayers { get; }

    /// <summary>Activation of the RNN cell (<see cref="RnnActivation.Tanh"/> for LSTM and GRU, which ignore it).</summary>
    public RnnActivation Activation { get; }

    /// <summary>
    /// Truncated BPTT: k &gt; 0 cuts the gradient through the recurrence every k processing steps (see
    /// <see cref="Ops.Recurrent"/>); 0 (default) back-propagates through the whole sequence. Forward values do not change.
    /// </summary>
    public int TruncateBackpropAfter
    {
        get;
        set => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Must be 0 or positive.");
    }

    /// <summary>Per stacked layer: W (dirs, G·H, in_l), in_0 = I and in_l = dirs·H for l &gt; 0.</summary>
    public IReadOnlyList<Tensor> InputWeights => _w;

    /// <summary>Per stacked layer: R (dirs, G·H, H).</summary>
    public IReadOnlyList<Tensor> RecurrentWeights => _r;

    /// <summary>Per stacked layer: bias (dirs, 2·G·H) = Wb | Rb.</summary>
    public IReadOnlyList<Tensor> Biases => _b;

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> OwnParameters => Enumerable.Range(0, NumberOfLayers).SelectMany(l => new[] { _w[l], _r[l], _b[l] }).ToArray();

    /// <summary>Input features of stacked layer <paramref name="layer"/>.</summary>
    /// <param name="layer">Layer index.</param>
    public int LayerInputSize(int layer) => layer == 0 ? InputSize : OutputSize;

    /// <summary>Re-draws every weight (see the class remarks for the formulas).</summary>
    /// <param name="rng">Seeded generator.</param>
    public void ResetParameters(Rng rng)
    {
        int g = Ops.GateCount(Cell), h = HiddenSize, gh = g * h;
        for (int l = 0; l < NumberOfLayers; l++)
        {
            int inF = LayerInputSize(l);
            Initializers.FillUniform(_w[l].Span, MathF.Sqrt(6f / (inF + h)), rng);
            Initializers.FillOrthogonal(_r[l].Span, h, Directions * g, rng);
            var b = _b[l].Span;
            b.Clear();
            if (Cell == RecurrentCellKind.Lstm)
                for (int d = 0; d < Directions; d++) b.Slice(d * 2 * gh + 2 * h, h).Fill(1f); // Wb_f = 1 (blocks i, o, f, c)
        }
    }

    /// <summary>(B, T, I) → (B, T, dirs·H) with every sequence of full length and zero initial state.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, T, I)</param>
    public override Tensor Forward(Tape tape, Tensor x) => ForwardCore(tape, x, null, null, null).Output;

    /// <summary>Runs every stacked layer over a batch of (possibly padded) sequences from a zero initial state.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, T, I), batch-first; steps at t ≥ lengths[b] are padding and are ignored.</param>
    /// <param name="lengths">[B] valid steps per sequence in [1, T], or null for all T.</param>
    /// <returns>Output (B, T, dirs·H) of the top layer (zero on padding); FinalHidden (layers·dirs, B, H); FinalCell for LSTM.</returns>
    public RecurrentOutput Forward(Tape tape, Tensor x, int[]? lengths) => ForwardCore(tape, x, lengths, null, null);

    /// <summary>Runs every stacked layer from the initial states <paramref name="h0"/> and <paramref name="c0"/> (zeros when null).</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, T, I), batch-first.</param>
    /// <param name="lengths">[B] valid steps per sequence in [1, T], or null for all T.</param>
    /// <param name="h0">(layers·dirs, B, H), or null.</param>
    /// <param name="c0">(layers·dirs, B, H) for LSTM, or null.</param>
    /// <returns>Output (B, T, dirs·H), FinalHidden (layers·dirs, B, H), FinalCell for LSTM.</returns>
    public RecurrentOutput ForwardFrom(Tape tape, Tensor x, int[]? lengths, Tensor? h0, Tensor? c0) => ForwardCore(tape, x, lengths, h0, c0);

    /// <summary>
    /// The final hidden state of the last stacked layer with the batch first and both directions side by side:
    /// FinalHidden (layers·dirs, B, H) → rows of the last layer (dirs, B, H) → (B, dirs·H). The usual sequence encoding.
    /// </summary>
    /// <param name="tape">Tape that records the ops.</param>
    /// <param name="output">This layer's output.</param>
    /// <returns>(B, dirs·H)</returns>
    public Tensor LastLayerFinalHidden(Tape tape, RecurrentOutput output)
    {
        int dirs = Directions;
        var last = Ops.SliceOuter(tape, output.FinalHidden, (NumberOfLayers - 1) * dirs, dirs);
        var batchFirst = Ops.SwapOuterAxes(tape, last);
        return Ops.Reshape(tape, batchFirst, batchFirst.Shape[0], dirs * HiddenSize);
    }

    /// <summary>Shared forward: <paramref name="h0"/>/<paramref name="c0"/> are (layers·dirs, B, H) or null for zeros.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, T, I)</param>
    /// <param name="lengths">[B] or null.</param>
    /// <param name="h0">(layers·dirs, B, H) or null.</param>
    /// <param name="c0">(layers·dirs, B, H) or null (LSTM only).</param>
    private protected RecurrentOutput ForwardCore(Tape tape, Tensor x, int[]? lengths, Tensor? h0, Tensor? c0)
    {
        if (x.Rank != 3 || x.Shape[2] != InputSize)
            throw new ArgumentException($"{GetType().Name} expects x (B,T,{InputSize}); got {x}.", nameof(x));
        int dirs = Directions, layers = NumberOfLayers;
        CheckState(h0, x.Shape[0], nameof(h0));
        CheckState(c0, x.Shape[0], nameof(c0));
        var hs = new Tensor[layers];
        var cs = Cell == RecurrentCellKind.Lstm ? new Tensor[layers] : null;
        var input = x;
        Tensor output = x;
        for (int l = 0; l < layers; l++)
        {
            if (l > 0 && IsTraining && DropoutBetweenLayers > 0f) input = Ops.Dropout(tape, input, DropoutBetweenLayers, true, _dropoutRng);
            var h0l = h0 is null ? null : layers == 1 ? h0 : Ops.SliceOuter(tape, h0, l * dirs, dirs);
            var c0l = c0 is null ? null : layers == 1 ? c0 : Ops.SliceOuter(tape, c0, l * dirs, dirs);
            var result = Ops.Recurrent(tape, Cell, input, _w[l], _r[l], _b[l], lengths, h0l, c0l, Activation, TruncateBackpropAfter);
            hs[l] = result.FinalHidden;
            if (cs is not null) cs[l] = result.FinalCell!;
            output = input = result.Output;
        }
        return new RecurrentOutput(output, Ops.ConcatOuter(tape, hs), cs is null ? null : Ops.ConcatOuter(tape, cs));
    }

    private void CheckState(Tensor? s, int batch, string name)
    {
        if (s is not null && (s.Rank != 3 || s.Shape[0] != NumberOfLayers * Directions || s.Shape[1] != batch || s.Shape[2] != HiddenSize))
            throw new ArgumentException($"{GetType().Name} expects {name} ({NumberOfLayers * Directions},{batch},{HiddenSize}); got {s}.", name);
    }
}
