using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models.Custom;

namespace MlNetDeep;

/// <summary>
/// A network of your own, layer by layer, in the style of Keras' <c>Sequential</c>: each method appends a layer and returns
/// this definition. Shapes are per example (no batch axis): a vector is (F), an image (C, H, W), a sequence (T, F) with time
/// first and features last (as in Keras), and a text's token ids (T). Give it to a trainer's
/// <c>CustomNetwork</c> option; the last layer must give one output per class (or 1 for a regressor).
/// <see cref="Summarize(int[])"/> infers every layer's output shape and parameter count before any data is read and names
/// the first layer whose input does not fit.
/// </summary>
/// <example>
/// <code>
/// var cnn = new NetworkDefinition()
///     .Conv2d(32, kernelSize: 3, padding: 1).BatchNorm().Relu().MaxPool2d(2)
///     .Conv2d(64, kernelSize: 3, padding: 1).BatchNorm().Relu().MaxPool2d(2)
///     .Flatten().Dense(128).Relu().Dropout(0.5f)
///     .Dense(10);
/// Console.WriteLine(cnn.Summarize(1, 28, 28));
/// </code>
/// </example>
public sealed class NetworkDefinition
{
    private readonly List<LayerSpec> _layers = [];

    /// <summary>The layers' names, in order (e.g. "Dense(128)", "Conv2d(32, 3×3, stride 1, padding 1)").</summary>
    public IReadOnlyList<string> Layers => [.. _layers.Select(l => l.Name)];

    /// <summary>Fully connected layer: (F) → (<paramref name="units"/>). Weights He-uniform when a ReLU or leaky ReLU
    /// follows (BatchNorm in between allowed), Glorot-uniform otherwise.</summary>
    /// <param name="units">Outputs (≥ 1).</param>
    /// <param name="bias">Whether the layer adds a bias; a bias right before BatchNorm is redundant (BatchNorm subtracts
    /// the mean). <value>Default true.</value></param>
    public NetworkDefinition Dense(int units, bool bias = true) => Add(new DenseSpec(Positive(units, nameof(units)), bias));

    /// <summary>2-D convolution: (C, H, W) → (<paramref name="channels"/>, H', W') with H' = ⌊(H + 2·padding − k) / stride⌋ + 1.
    /// Weights He-uniform.</summary>
    /// <param name="channels">Output channels (≥ 1).</param>
    /// <param name="kernelSize">Square kernel size k (≥ 1).</param>
    /// <param name="stride">Step (≥ 1). <value>Default 1.</value></param>
    /// <param name="padding">Zeros added on each side (≥ 0). <value>Default 0.</value></param>
    /// <param name="bias">Whether the layer adds a bias per channel; a bias right before BatchNorm is redundant.
    /// <value>Default true.</value></param>
    public NetworkDefinition Conv2d(int channels, int kernelSize, int stride = 1, int padding = 0, bool bias = true) =>
        Add(new Conv2dSpec(Positive(channels, nameof(channels)), Positive(kernelSize, nameof(kernelSize)), Positive(stride, nameof(stride)), NonNegative(padding, nameof(padding)), bias));

    /// <summary>
    /// ResNet basic block (He et al. 2016): (C, H, W) → (<paramref name="channels"/>, ⌊(H − 1)/s⌋ + 1, ⌊(W − 1)/s⌋ + 1).
    /// Output ReLU(F(x) + shortcut(x)) with F = conv3×3ₛ → BatchNorm → ReLU → conv3×3 → BatchNorm (padding 1, no biases);
    /// the shortcut is the identity when the shape is kept, otherwise conv1×1ₛ → BatchNorm. Convolutions He-uniform.
    /// </summary>
    /// <param name="channels">Output channels O (≥ 1).</param>
    /// <param name="stride">Step s of the first convolution and the shortcut (≥ 1); 2 halves H and W. <value>Default 1.</value></param>
    public NetworkDefinition ResidualBlock(int channels, int stride = 1) =>
        Add(new ResidualBlockSpec(Positive(channels, nameof(channels)), Positive(stride, nameof(stride))));

    /// <summary>
    /// ResNet bottleneck block (He et al. 2016; stride on the 3×3 as in ResNet v1.5): (C, H, W) → (M·e, ⌊(H − 1)/s⌋ + 1, …)
    /// with M = <paramref name="channels"/> and e = <paramref name="expansion"/>. Output ReLU(F(x) + shortcut(x)) with
    /// F = conv1×1 (C → M) → BN → ReLU → conv3×3ₛ (M → M) → BN → ReLU → conv1×1 (M → M·e) → BN, no biases; the shortcut
    /// is the identity when the shape is kept, otherwise conv1×1ₛ → BatchNorm. Convolutions He-uniform.
    /// </summary>
    /// <param name="channels">Bottleneck channels M (≥ 1).</param>
    /// <param name="stride">Step s of the 3×3 convolution and the shortcut (≥ 1). <value>Default 1.</value></param>
    /// <param name="expansion">e: the block outputs M·e channels (≥ 1). <value>Default 4.</value></param>
    public NetworkDefinition BottleneckBlock(int channels, int stride = 1, int expansion = ResNetBottleneckBlock.DefaultExpansion) =>
        Add(new BottleneckBlockSpec(Positive(channels, nameof(channels)), Positive(stride, nameof(stride)), Positive(expansion, nameof(expansion))));

    /// <summary>
    /// DenseNet dense block (Huang et al. 2017, without 1×1 bottlenecks): (C, H, W) → (C + L·k, H, W). Layer ℓ applies
    /// BatchNorm → ReLU → conv3×3 (padding 1, no bias, k maps) to the concatenation of the input and the maps of the layers
    /// before it; the block outputs them all. Convolutions He-uniform.
    /// </summary>
    /// <param name="layers">L (≥ 1).</param>
    /// <param name="growthRate">k, maps added per layer (≥ 1).</param>
    public NetworkDefinition DenseBlock(int layers, int growthRate) =>
        Add(new DenseBlockSpec(Positive(layers, nameof(layers)), Positive(growthRate, nameof(growthRate))));

    /// <summary>
    /// DenseNet transition between dense blocks: BatchNorm → ReLU → conv1×1 (no bias) → 2×2 average pool,
    /// (C, H, W) → (max(1, ⌊θ·C⌋), ⌊H/2⌋, ⌊W/2⌋) with θ = <paramref name="compression"/>. Needs H, W ≥ 2.
    /// </summary>
    /// <param name="compression">θ in (0, 1]. <value>Default 0.5.</value></param>
    public NetworkDefinition Transition(float compression = 0.5f) =>
        Add(new TransitionSpec(compression > 0f && compression <= 1f ? compression : throw new ArgumentOutOfRangeException(nameof(compression), compression, "compression must lie in (0, 1].")));

    /// <summary>Max pooling over <paramref name="size"/>×<paramref name="size"/> windows: (C, H, W) → (C, ⌊(H − size) / stride⌋ + 1, …).</summary>
    /// <param name="size">Window size (≥ 1).</param>
    /// <param name="stride">Step; null uses <paramref name="size"/>. <value>Default null.</value></param>
    public NetworkDefinition MaxPool2d(int size, int? stride = null) =>
        Add(new Pool2dSpec(max: true, Positive(size, nameof(size)), Positive(stride ?? size, nameof(stride))));

    /// <summary>Average pooling over <paramref name="size"/>×<paramref name="size"/> windows: (C, H, W) → (C, ⌊(H − size) / stride⌋ + 1, …).</summary>
    /// <param name="size">Window size (≥ 1).</param>
    /// <param name="stride">Step; null uses <paramref name="size"/>. <value>Default null.</value></param>
    public NetworkDefinition AvgPool2d(int size, int? stride = null) =>
        Add(new Pool2dSpec(max: false, Positive(size, nameof(size)), Positive(stride ?? size, nameof(stride))));

    /// <summary>Global average pooling: (C, H, W) → (C).</summary>
    public NetworkDefinition GlobalAveragePool() => Add(new ShapeSpec(ShapeSpec.Kind.GlobalAveragePool));

    /// <summary>
    /// Parallel branches (the functional style's merge): every branch gets this layer's input, and their outputs are
    /// concatenated on the first axis — channels of images (C₁ + C₂ + …, H, W) or features of vectors (F₁ + F₂ + …). The
    /// outputs must agree on every other axis. Like an Inception block, or TextCNN's convolutions of several widths (each
    /// branch ending in GlobalMaxPool1d: sequences (T, F) are not joined).
    /// </summary>
    /// <param name="branches">Two or more networks (each with at least one layer); copies are kept.</param>
    public NetworkDefinition Concatenate(params NetworkDefinition[] branches)
    {
        ArgumentNullException.ThrowIfNull(branches);
        if (branches.Length < 2) throw new ArgumentException("Concatenate needs at least two branches.", nameof(branches));
        return Branches(branches);
    }

    /// <summary><see cref="Concatenate"/> that also takes a single branch: the TextCNN preset with one kernel width keeps
    /// its one-branch <see cref="ParallelConcat"/>.</summary>
    internal NetworkDefinition Branches(IReadOnlyList<NetworkDefinition> branches)
    {
        for (int b = 0; b < branches.Count; b++)
            if (branches[b] is null || branches[b]._layers.Count == 0)
                throw new ArgumentException($"Branch {b + 1} of Concatenate has no layers.", nameof(branches));
        return Add(new ConcatenateSpec([.. branches.Select(b => b.Clone())]));
    }

    /// <summary>
    /// Token embedding: ids (T) → (T, <paramref name="dimensions"/>). The first layer of a text network
    /// (<c>TextClassifier</c>'s CustomNetwork); the table's size comes from the trainer's vocabulary, and the padding
    /// token's vector is zero and stays zero. Initial vectors N(0, 0.05²).
    /// </summary>
    /// <param name="dimensions">E, values per token (≥ 1).</param>
    public NetworkDefinition Embedding(int dimensions) => Add(new EmbeddingSpec(Positive(dimensions, nameof(dimensions))));

    /// <summary>1-D convolution over time: (T, F) → (T', <paramref name="filters"/>) with T' = ⌊(T + 2·padding − k) / stride⌋ + 1.
    /// Weights He-uniform.</summary>
    /// <param name="filters">Output features per step (≥ 1).</param>
    /// <param name="kernelSize">k, steps per window (≥ 1).</param>
    /// <param name="stride">Step (≥ 1). <value>Default 1.</value></param>
    /// <param name="padding">Zero steps added at each end (≥ 0). <value>Default 0.</value></param>
    public NetworkDefinition Conv1d(int filters, int kernelSize, int stride = 1, int padding = 0) =>
        Add(new Conv1dSpec(Positive(filters, nameof(filters)), Positive(kernelSize, nameof(kernelSize)), Positive(stride, nameof(stride)), NonNegative(padding, nameof(padding))));

    /// <summary>Max pooling over time: (T, F) → (⌊(T − size) / stride⌋ + 1, F).</summary>
    /// <param name="size">Window length (≥ 1).</param>
    /// <param name="stride">Step; null uses <paramref name="size"/>. <value>Default null.</value></param>
    public NetworkDefinition MaxPool1d(int size, int? stride = null) =>
        Add(new MaxPool1dSpec(Positive(size, nameof(size)), Positive(stride ?? size, nameof(stride))));

    /// <summary>Maximum of each feature over all time steps: (T, F) → (F) (TextCNN's max over time).</summary>
    public NetworkDefinition GlobalMaxPool1d() => Add(new GlobalPool1dSpec(max: true));

    /// <summary>Mean of each feature over all time steps: (T, F) → (F).</summary>
    public NetworkDefinition GlobalAveragePool1d() => Add(new GlobalPool1dSpec(max: false));

    /// <summary>
    /// LSTM (ONNX gate order, forget-gate bias 1): (T, F) → (H·dirs), the final state of the last stacked layer with both
    /// directions concatenated; or every step's output (T, H·dirs) with <paramref name="returnSequences"/>. Right after
    /// <see cref="Embedding"/> and without <paramref name="returnSequences"/>, it reads each text only up to its padding.
    /// Padding is not masked otherwise: with <paramref name="returnSequences"/> (or after any other layer) every step is read,
    /// the padding steps as zero embeddings, and the state keeps changing through them (biases, recurrence), so the
    /// outputs at and after the padding, a backward direction's state (it reads the padding first), and whatever pools or
    /// stacks on them depend on how much padding a text has.
    /// </summary>
    /// <param name="hidden">H, state size per direction (≥ 1).</param>
    /// <param name="bidirectional">Also read the sequence backwards (dirs = 2). <value>Default false.</value></param>
    /// <param name="returnSequences">Output every step, (T, H·dirs), to stack another sequence layer. <value>Default false.</value></param>
    /// <param name="layers">Stacked layers (≥ 1). <value>Default 1.</value></param>
    public NetworkDefinition Lstm(int hidden, bool bidirectional = false, bool returnSequences = false, int layers = 1) =>
        Recurrent(RecurrentCellKind.Lstm, hidden, bidirectional, returnSequences, layers);

    /// <summary>GRU: (T, F) → (H·dirs), or (T, H·dirs) with <paramref name="returnSequences"/>; padding as for <see cref="Lstm"/>.</summary>
    /// <param name="hidden">H, state size per direction (≥ 1).</param>
    /// <param name="bidirectional">Also read the sequence backwards (dirs = 2). <value>Default false.</value></param>
    /// <param name="returnSequences">Output every step, (T, H·dirs). <value>Default false.</value></param>
    /// <param name="layers">Stacked layers (≥ 1). <value>Default 1.</value></param>
    public NetworkDefinition Gru(int hidden, bool bidirectional = false, bool returnSequences = false, int layers = 1) =>
        Recurrent(RecurrentCellKind.Gru, hidden, bidirectional, returnSequences, layers);

    /// <summary>Elman RNN (tanh): (T, F) → (H·dirs), or (T, H·dirs) with <paramref name="returnSequences"/>; padding as for <see cref="Lstm"/>.</summary>
    /// <param name="hidden">H, state size per direction (≥ 1).</param>
    /// <param name="bidirectional">Also read the sequence backwards (dirs = 2). <value>Default false.</value></param>
    /// <param name="returnSequences">Output every step, (T, H·dirs). <value>Default false.</value></param>
    /// <param name="layers">Stacked layers (≥ 1). <value>Default 1.</value></param>
    public NetworkDefinition Rnn(int hidden, bool bidirectional = false, bool returnSequences = false, int layers = 1) =>
        Recurrent(RecurrentCellKind.Rnn, hidden, bidirectional, returnSequences, layers);

    /// <summary>A final-state recurrent layer with dropout between its stacked layers (the recurrent presets).</summary>
    internal NetworkDefinition Recurrent(RecurrentCellKind cell, int hidden, bool bidirectional, int layers, float dropoutBetweenLayers) =>
        Add(new RecurrentSpec(cell, Positive(hidden, nameof(hidden)), bidirectional, returnSequences: false, Positive(layers, nameof(layers)), dropoutBetweenLayers));

    /// <summary>Flattens (C, H, W) to (C·H·W) and (T, F) to (T·F); a vector passes unchanged.</summary>
    public NetworkDefinition Flatten() => Add(new ShapeSpec(ShapeSpec.Kind.Flatten));

    /// <summary>Batch normalisation over the features of a vector or the channels of an image (running averages at inference).</summary>
    public NetworkDefinition BatchNorm() => Add(new BatchNormSpec());

    /// <summary>ReLU.</summary>
    public NetworkDefinition Relu() => Add(new ActivationSpec(ActivationKind.Relu));

    /// <summary>Leaky ReLU: x for x ≥ 0, <paramref name="alpha"/>·x below.</summary>
    /// <param name="alpha">Slope below 0, in [0, 1). <value>Default 0.01.</value></param>
    public NetworkDefinition LeakyRelu(float alpha = 0.01f) =>
        Add(new ActivationSpec(ActivationKind.LeakyRelu, alpha >= 0 && alpha < 1 ? alpha : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie in [0, 1).")));

    /// <summary>tanh.</summary>
    public NetworkDefinition Tanh() => Add(new ActivationSpec(ActivationKind.Tanh));

    /// <summary>Logistic sigmoid.</summary>
    public NetworkDefinition Sigmoid() => Add(new ActivationSpec(ActivationKind.Sigmoid));

    /// <summary>Any activation, with the slope <paramref name="alpha"/> kept even when <paramref name="kind"/> ignores it (the MLP
    /// preset passes its option through unchanged).</summary>
    internal NetworkDefinition Activation(ActivationKind kind, float alpha) => Add(new ActivationSpec(kind, alpha));

    /// <summary>Spatial pyramid max pooling over n×n grids for each n in <paramref name="levels"/>: (C, H, W) → (C·Σn²) for any
    /// H, W (the SmallCnn preset; internal because the trainers' custom networks take one fixed input size).</summary>
    internal NetworkDefinition SpatialPyramidPool(IReadOnlyList<int> levels) => Add(new SpatialPyramidPoolSpec([.. levels]));

    /// <summary>Dropout while training (identity at inference).</summary>
    /// <param name="rate">Drop probability in [0, 1).</param>
    public NetworkDefinition Dropout(float rate) =>
        Add(new DropoutSpec(rate >= 0 && rate < 1 ? rate : throw new ArgumentOutOfRangeException(nameof(rate), rate, "rate must lie in [0, 1).")));

    /// <summary>
    /// Every layer's output shape and trainable parameter count for inputs of shape <paramref name="inputShape"/> (per
    /// example: (F) or (C, H, W)). Throws <see cref="ArgumentException"/> naming the layer's position and name, the shape it
    /// expects and the one it gets, when the layers do not chain; and when the network has no layer.
    /// </summary>
    /// <param name="inputShape">(F) for a vector, (T, F) for a sequence, (C, H, W) for an image.</param>
    public NetworkSummary Summarize(params int[] inputShape) => Summarize(inputShape, null);

    /// <summary>
    /// <see cref="Summarize(int[])"/> for a text network: token ids (<paramref name="length"/>) into an <see cref="Embedding"/>
    /// table of <paramref name="vocabularySize"/> rows. A text trainer uses its vocabulary's distinct tokens + 2 rows (the
    /// unknown and the padding token).
    /// </summary>
    /// <param name="length">T, tokens per text (≥ 1).</param>
    /// <param name="vocabularySize">Rows of the embedding table (≥ 2: at least one token and the padding).</param>
    public NetworkSummary SummarizeTokens(int length, int vocabularySize)
    {
        if (vocabularySize < 2) throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize, "vocabularySize must be at least 2 (a token and the padding).");
        return Summarize([length], new TokenInput(vocabularySize, vocabularySize - 1));
    }

    private NetworkSummary Summarize(int[] inputShape, TokenInput? tokens)
    {
        if (inputShape is null || inputShape.Length is not (1 or 2 or 3) || inputShape.Any(d => d < 1))
            throw new ArgumentException($"inputShape must be (F), (T, F) or (C, H, W) with positive sizes, got ({string.Join(", ", inputShape ?? [])}).", nameof(inputShape));
        if (_layers.Count == 0) throw new ArgumentException("The network has no layers: add at least one (e.g. Dense(classes)).");
        if (tokens is not null && _layers[0] is not EmbeddingSpec)
            throw new ArgumentException($"Layer 1 ({_layers[0].Name}) gets token ids ({inputShape[0]}): start a text network with Embedding(dimensions).");
        var rows = new List<LayerSummary> { new(0, "input", [.. inputShape], 0) };
        int[] shape = [.. inputShape];
        for (int i = 0; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            int[] input = shape;
            if (layer is EmbeddingSpec && (i > 0 || tokens is null))
                throw new ArgumentException(i > 0 ? $"Layer {i + 1} ({layer.Name}) must be the first layer: it reads the token ids of a text."
                    : $"Layer 1 ({layer.Name}) reads token ids, which only a text trainer gives (TextClassifier's CustomNetwork); summarize it with SummarizeTokens(length, vocabularySize).");
            try { shape = layer.OutputShape(input); }
            catch (ShapeMismatch mismatch)
            {
                throw new ArgumentException(mismatch.Whole is { } whole ? $"Layer {i + 1} ({layer.Name}): {whole}"
                    : $"Layer {i + 1} ({layer.Name}) expects {mismatch.Expected} but gets {ShapeText(input)}{mismatch.Hint}.");
            }
            rows.Add(new LayerSummary(i + 1, layer.Name, shape, layer is EmbeddingSpec embedding ? embedding.Parameters(tokens!) : layer.Parameters(input)));
        }
        return new NetworkSummary(rows);
    }

    /// <summary>Checks that the network ends with <paramref name="outputs"/> values for inputs of <paramref name="inputShape"/>
    /// (token ids of <paramref name="tokens"/> when given); the summary.</summary>
    internal NetworkSummary Check(int[] inputShape, int outputs, string task, TokenInput? tokens = null)
    {
        var summary = Summarize(inputShape, tokens);
        var last = summary.Layers[^1];
        if (last.OutputShape is not [int n] || n != outputs)
            throw new ArgumentException($"The network ends with output shape {ShapeText(last.OutputShape)} (layer {last.Position}, {last.Name}); {task} take ({outputs}): end it with Dense({outputs}).");
        return summary;
    }

    /// <summary>
    /// The engine network for inputs of <paramref name="inputShape"/> (call <see cref="Check"/> first); weights from
    /// <paramref name="rng"/>, drawn layer after layer. A text network (<paramref name="tokens"/> given) takes (B, T) ids; an
    /// Embedding followed by a recurrent layer that returns its final state becomes one <see cref="TextRecurrentEncoder"/>,
    /// which stops each text's recurrence at its first padding token, so padding never changes the encoding. Sequences
    /// arrive and leave time-first, (B, T, F); inside, a Permute goes where the layout changes (<see cref="SequenceLayout"/>).
    /// </summary>
    internal Sequential Build(int[] inputShape, Rng rng, TokenInput? tokens = null) =>
        new([.. BuildModules(0, inputShape, SequenceLayout.TimeFirst, rng, tokens)]);

    /// <summary>
    /// <see cref="Build(int[], Rng, TokenInput?)"/> for rows given flat, (B, Π <paramref name="inputShape"/>), as the
    /// numeric-sequence trainers' graphs give them: a first recurrent layer returning its final state reads the flat row
    /// itself (<see cref="RecurrentEncoder"/>); any other first layer gets it reshaped to (B, <paramref name="inputShape"/>).
    /// </summary>
    internal Sequential BuildFromFlatRows(int[] inputShape, Rng rng)
    {
        if (inputShape.Length == 2 && _layers[0] is RecurrentSpec { ReturnSequences: false } recurrent)
            return new([recurrent.BuildEncoder(inputShape, rng), .. BuildModules(1, recurrent.OutputShape(inputShape), SequenceLayout.TimeFirst, rng, null)]);
        return new([new Reshape(inputShape), .. BuildModules(0, inputShape, SequenceLayout.TimeFirst, rng, null)]);
    }

    /// <summary>A branch of a <see cref="ConcatenateSpec"/>: its input, a sequence, arrives in <paramref name="layout"/>.</summary>
    internal Sequential Build(int[] inputShape, SequenceLayout layout, Rng rng) =>
        new([.. BuildModules(0, inputShape, layout, rng, null)]);

    /// <summary>The layout the first layer that cares reads a sequence in (<see cref="SequenceLayout.Any"/> when none does).</summary>
    internal SequenceLayout FirstRead => _layers.Select(l => l.Reads).FirstOrDefault(r => r != SequenceLayout.Any);

    /// <summary>The modules of the layers from <paramref name="first"/> on, for an input of <paramref name="inputShape"/> held in
    /// <paramref name="layout"/> (when a sequence); a sequence output is returned time-first.</summary>
    private List<Module> BuildModules(int first, int[] inputShape, SequenceLayout layout, Rng rng, TokenInput? tokens)
    {
        var modules = new List<Module>();
        int[] shape = [.. inputShape];
        for (int i = first; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            if (layer is EmbeddingSpec embeddingSpec)
            {
                var embedding = embeddingSpec.Build(tokens ?? throw new InvalidOperationException("An Embedding needs the trainer's token input."), rng);
                shape = embeddingSpec.OutputShape(shape);
                layout = SequenceLayout.TimeFirst;
                if (i + 1 < _layers.Count && _layers[i + 1] is RecurrentSpec { ReturnSequences: false } recurrent)
                {
                    modules.Add(new TextRecurrentEncoder(embedding, recurrent.CreateLayer(embeddingSpec.Dimensions, rng), tokens.PadId));
                    shape = recurrent.OutputShape(shape);
                    i++;
                }
                else modules.Add(embedding);
                continue;
            }
            bool sequence = shape.Length == 2;
            if (sequence && layer.Reads != SequenceLayout.Any && layer.Reads != layout)
            {
                modules.Add(new Permute(0, 2, 1)); // (B, T, F) ↔ (B, F, T)
                layout = layer.Reads;
            }
            modules.Add(layer is ConcatenateSpec concatenate ? concatenate.Build(shape, layout, rng) : layer.Build(shape, rng, _layers.Skip(i + 1)));
            shape = layer.OutputShape(shape);
            if (shape.Length != 2) layout = SequenceLayout.TimeFirst; // vectors and images have one layout
        }
        if (shape.Length == 2 && layout == SequenceLayout.ChannelsFirst) modules.Add(new Permute(0, 2, 1));
        return modules;
    }

    /// <summary>A copy that later calls on this definition do not change (trainers keep one).</summary>
    internal NetworkDefinition Clone()
    {
        var copy = new NetworkDefinition();
        copy._layers.AddRange(_layers);
        return copy;
    }

    /// <summary>One line: the layers joined by arrows (written into the ONNX metadata).</summary>
    public override string ToString() => string.Join(" → ", _layers.Select(l => l.Name));

    internal static string ShapeText(IReadOnlyList<int> shape) => $"({string.Join(", ", shape)})";

    private NetworkDefinition Recurrent(RecurrentCellKind cell, int hidden, bool bidirectional, bool returnSequences, int layers) =>
        Add(new RecurrentSpec(cell, Positive(hidden, nameof(hidden)), bidirectional, returnSequences, Positive(layers, nameof(layers))));

    private NetworkDefinition Add(LayerSpec layer)
    {
        _layers.Add(layer);
        return this;
    }

    private static int Positive(int value, string name) => value >= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");

    private static int NonNegative(int value, string name) => value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be ≥ 0.");
}
