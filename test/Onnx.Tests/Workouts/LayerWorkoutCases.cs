using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Tests.Workouts;

/// <summary>
/// The workout cases: at least one per concrete <see cref="Module"/> type of the engine, small shapes (B 2–3, a few
/// channels, sequences of 3–4 steps). Each parameter count is written as its formula.
/// </summary>
/// <remarks>
/// Gradient-check settings: the defaults (step 1e-2) suit smooth layers and inputs in ±[0.1, 1]; max-type layers read
/// <see cref="WorkoutInput.Distinct"/> inputs so no perturbation changes a window's winner. Layers with a BatchNorm → ReLU
/// inside (residual and dense blocks) always have some unit near the kink; they use BlockTests' step 3e-4 and atol 5e-3
/// (a 60-seed sweep there: smaller steps drown in float round-off, larger ones cross kinks).
/// </remarks>
internal static class LayerWorkoutCases
{
    private const float BlockStep = 3e-4f;
    private const double BlockAtol = 5e-3, BlockRtol = 3e-2;

    /// <summary>Every case, in the order of the theory.</summary>
    public static readonly IReadOnlyList<WorkoutCase> All = Build();

    /// <summary>The case called <paramref name="name"/>.</summary>
    public static WorkoutCase Get(string name) => All.Single(c => c.Name == name);

    private static Rng Seed() => new(17);

    // Recurrent parameters, per stacked layer l and direction: W (G·H, in_l), R (G·H, H), bias Wb | Rb (2·G·H);
    // G = 1 (RNN), 4 (LSTM), 3 (GRU); in_0 = I, in_l = dirs·H above.
    private static long Recurrent(int gates, int inputSize, int hidden, int layers, int dirs) =>
        Enumerable.Range(0, layers).Sum(l => (long)dirs * (gates * hidden * (l == 0 ? inputSize : dirs * hidden) + gates * hidden * hidden + 2 * gates * hidden));

    private static List<WorkoutCase> Build() =>
    [
        // Linear(in, out): in·out + out (bias), in·out without.
        new("Linear(4→3)", typeof(Linear), () => new Linear(4, 3, Seed()), WorkoutInput.Floats(4), [3], 4 * 3 + 3),
        new("Linear(4→3, no bias)", typeof(Linear), () => new Linear(4, 3, Seed(), bias: false), WorkoutInput.Floats(4), [3], 4 * 3),

        // Activations: no parameters, shape kept (any rank).
        new("Activation(Sigmoid)", typeof(Activation), () => new Activation(ActivationKind.Sigmoid), WorkoutInput.Floats(5), [5], 0),
        new("Activation(Tanh)", typeof(Activation), () => new Activation(ActivationKind.Tanh), WorkoutInput.Floats(5), [5], 0),
        new("Activation(Relu)", typeof(Activation), () => new Activation(ActivationKind.Relu), WorkoutInput.Floats(2, 3), [2, 3], 0),
        new("Activation(LeakyRelu 0.2)", typeof(Activation), () => new Activation(ActivationKind.LeakyRelu, alpha: 0.2f), WorkoutInput.Floats(5), [5], 0),

        // Dropouts: no parameters; identity at inference (exported as no node).
        new("Dropout(0.4)", typeof(Dropout), () => new Dropout(0.4f, new Rng(3)), WorkoutInput.Floats(6), [6], 0) { Stochastic = true },
        new("Dropout2d(0.5) on maps", typeof(Dropout2d), () => new Dropout2d(0.5f, new Rng(3)), WorkoutInput.Floats(4, 2, 2), [4, 2, 2], 0) { Stochastic = true },
        new("Dropout2d(0.5) on sequences", typeof(Dropout2d), () => new Dropout2d(0.5f, new Rng(4)), WorkoutInput.Floats(4, 3), [4, 3], 0) { Stochastic = true },
        new("TokenDropout(0.3)", typeof(TokenDropout), () => new TokenDropout(0.3f, unknownId: 1, padId: 0, new Rng(5)), WorkoutInput.PaddedTokens(4, 6, 0), [4], 0) { Stochastic = true },

        // BatchNorm(C): γ and β, 2·C.
        new("BatchNorm(3) on features", typeof(BatchNorm), () => new BatchNorm(3), WorkoutInput.Floats(3), [3], 2 * 3)
            { GradientAtol = BlockAtol, GradientRtol = BlockRtol },
        new("BatchNorm(2) on maps", typeof(BatchNorm), () => new BatchNorm(2, epsilon: 1e-3f), WorkoutInput.Floats(2, 3, 3), [2, 3, 3], 2 * 2)
            { GradientAtol = BlockAtol, GradientRtol = BlockRtol },

        // Conv1d(C, O, k): O·C·k + O (bias); Lo = ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1.
        new("Conv1d(2→3, k3, p1)", typeof(Conv1d), () => new Conv1d(2, 3, 3, Seed(), padding: 1), WorkoutInput.Floats(2, 5), [3, 5], 3 * 2 * 3 + 3),
        new("Conv1d(2→3, k2, s2, p1, d2, no bias)", typeof(Conv1d), () => new Conv1d(2, 3, 2, Seed(), stride: 2, padding: 1, dilation: 2, bias: false),
            WorkoutInput.Floats(2, 5), [3, 3], 3 * 2 * 2),

        // Conv2d(C, O, kh×kw): O·C·kh·kw + O (bias).
        new("Conv2d(2→3, 3×3, p1)", typeof(Conv2d), () => new Conv2d(2, 3, 3, Seed(), padding: 1), WorkoutInput.Floats(2, 4, 4), [3, 4, 4], 3 * 2 * 3 * 3 + 3),
        new("Conv2d(2→2, 3×3, s2, p1, no bias)", typeof(Conv2d), () => new Conv2d(2, 2, 3, Seed(), stride: 2, padding: 1, bias: false),
            WorkoutInput.Floats(2, 5, 5), [2, 3, 3], 2 * 2 * 3 * 3),
        new("Conv2d(1→2, 2×3, s(1,2), p(1,1), d(1,2))", typeof(Conv2d), () => new Conv2d(1, 2, new Window2d(2, 3, 1, 2, 1, 1, 1, 2), Seed()),
            WorkoutInput.Floats(1, 3, 5), [2, 4, 2], 2 * 1 * 2 * 3 + 2),

        // Pooling: no parameters.
        new("MaxPool1d(2)", typeof(MaxPool1d), () => new MaxPool1d(2), WorkoutInput.Distinct(2, 6), [2, 3], 0),
        new("MaxPool1d(3, s2, p1)", typeof(MaxPool1d), () => new MaxPool1d(3, 2, 1), WorkoutInput.Distinct(2, 6), [2, 3], 0),
        new("MaxPool2d(2)", typeof(MaxPool2d), () => new MaxPool2d(2), WorkoutInput.Distinct(2, 4, 4), [2, 2, 2], 0),
        new("MaxPool2d(3, s2, p1)", typeof(MaxPool2d), () => new MaxPool2d(3, 2, 1), WorkoutInput.Distinct(2, 5, 5), [2, 3, 3], 0),
        new("AvgPool1d(2)", typeof(AvgPool1d), () => new AvgPool1d(2), WorkoutInput.Floats(2, 5), [2, 2], 0),
        new("AvgPool1d(3, s2, p1)", typeof(AvgPool1d), () => new AvgPool1d(3, 2, 1), WorkoutInput.Floats(2, 6), [2, 3], 0),
        new("AvgPool2d(2)", typeof(AvgPool2d), () => new AvgPool2d(2), WorkoutInput.Floats(2, 4, 4), [2, 2, 2], 0),
        new("AvgPool2d(3, s2, p1)", typeof(AvgPool2d), () => new AvgPool2d(3, 2, 1), WorkoutInput.Floats(2, 5, 5), [2, 3, 3], 0),
        new("GlobalAvgPool on maps", typeof(GlobalAvgPool), () => new GlobalAvgPool(), WorkoutInput.Floats(3, 2, 3), [3], 0),
        new("GlobalAvgPool on sequences", typeof(GlobalAvgPool), () => new GlobalAvgPool(), WorkoutInput.Floats(3, 4), [3], 0),
        new("GlobalMaxPool on maps", typeof(GlobalMaxPool), () => new GlobalMaxPool(), WorkoutInput.Distinct(3, 2, 3), [3], 0),
        new("GlobalMaxPool on sequences", typeof(GlobalMaxPool), () => new GlobalMaxPool(), WorkoutInput.Distinct(3, 4), [3], 0),
        // SpatialPyramidPool(levels): (B, C·Σn²).
        new("SpatialPyramidPool([1, 2], Max)", typeof(SpatialPyramidPool), () => new SpatialPyramidPool([1, 2]), WorkoutInput.Distinct(2, 5, 5), [2 * (1 + 4)], 0),
        new("SpatialPyramidPool([1, 3], Average)", typeof(SpatialPyramidPool), () => new SpatialPyramidPool([1, 3], PyramidPoolKind.Average),
            WorkoutInput.Floats(2, 4, 5), [2 * (1 + 9)], 0),

        // Shape layers: no parameters.
        new("Flatten", typeof(Flatten), () => new Flatten(), WorkoutInput.Floats(2, 3, 2), [2 * 3 * 2], 0),
        new("Reshape(2, 3)", typeof(Reshape), () => new Reshape(2, 3), WorkoutInput.Floats(6), [2, 3], 0),
        new("Permute(0, 2, 1)", typeof(Permute), () => new Permute(0, 2, 1), WorkoutInput.Floats(3, 4), [4, 3], 0),
        new("Permute(0, 3, 1, 2)", typeof(Permute), () => new Permute(0, 3, 1, 2), WorkoutInput.Floats(2, 3, 4), [4, 2, 3], 0),

        // Embedding(V, E): V·E. (The padding row gets no gradient by design, so the padded case lives in TextRecurrentEncoder.)
        new("Embedding(6, 3)", typeof(Embedding), () => new Embedding(6, 3, Seed()), WorkoutInput.Tokens(4, 6), [4, 3], 6 * 3),

        // Recurrent layers (B, T, I) → (B, T, dirs·H); parameters by Recurrent(G, I, H, layers, dirs) above.
        new("Rnn(3→2, tanh)", typeof(Rnn), () => new Rnn(3, 2, Seed()), WorkoutInput.Floats(4, 3), [4, 2], Recurrent(1, 3, 2, 1, 1)),
        new("Rnn(3→2, relu, bidirectional)", typeof(Rnn), () => new Rnn(3, 2, Seed(), bidirectional: true, activation: RnnActivation.Relu),
            WorkoutInput.Floats(4, 3), [4, 2 * 2], Recurrent(1, 3, 2, 1, 2)),
        new("Rnn(3→2, tanh, 2 layers)", typeof(Rnn), () => new Rnn(3, 2, Seed(), numberOfLayers: 2), WorkoutInput.Floats(3, 3), [3, 2], Recurrent(1, 3, 2, 2, 1)),
        new("Lstm(3→2)", typeof(Lstm), () => new Lstm(3, 2, Seed()), WorkoutInput.Floats(4, 3), [4, 2], Recurrent(4, 3, 2, 1, 1)),
        new("Lstm(3→2, bidirectional, 2 layers)", typeof(Lstm), () => new Lstm(3, 2, Seed(), numberOfLayers: 2, bidirectional: true),
            WorkoutInput.Floats(3, 3), [3, 2 * 2], Recurrent(4, 3, 2, 2, 2)),
        new("Gru(3→2)", typeof(Gru), () => new Gru(3, 2, Seed()), WorkoutInput.Floats(4, 3), [4, 2], Recurrent(3, 3, 2, 1, 1)),
        new("Gru(3→2, bidirectional)", typeof(Gru), () => new Gru(3, 2, Seed(), bidirectional: true), WorkoutInput.Floats(4, 3), [4, 2 * 2], Recurrent(3, 3, 2, 1, 2)),
        new("Gru(3→2, 2 layers)", typeof(Gru), () => new Gru(3, 2, Seed(), numberOfLayers: 2), WorkoutInput.Floats(3, 3), [3, 2], Recurrent(3, 3, 2, 2, 1)),

        // Encoders: the last layer's final hidden state (B, dirs·H); parameters those of the recurrent layer (and the embedding).
        new("RecurrentEncoder(Gru 2→3, T4)", typeof(RecurrentEncoder), () => new RecurrentEncoder(new Gru(2, 3, Seed()), 4, 2),
            WorkoutInput.Floats(4 * 2), [3], Recurrent(3, 2, 3, 1, 1)),
        new("RecurrentEncoder(Lstm 2→2, bidirectional, 2 layers, T3)", typeof(RecurrentEncoder),
            () => new RecurrentEncoder(new Lstm(2, 2, Seed(), numberOfLayers: 2, bidirectional: true), 3, 2),
            WorkoutInput.Floats(3 * 2), [2 * 2], Recurrent(4, 2, 2, 2, 2)),
        new("TextRecurrentEncoder(Embedding 7×3, Lstm bidirectional)", typeof(TextRecurrentEncoder),
            () => { var rng = Seed(); return new TextRecurrentEncoder(new Embedding(7, 3, rng, paddingIndex: 0), new Lstm(3, 2, rng, bidirectional: true), 0); },
            WorkoutInput.PaddedTokens(4, 7, 0), [2 * 2], 7 * 3 + Recurrent(4, 3, 2, 1, 2)),
        new("TextRecurrentEncoder(Embedding 7×3, Gru 2 layers)", typeof(TextRecurrentEncoder),
            () => { var rng = Seed(); return new TextRecurrentEncoder(new Embedding(7, 3, rng, paddingIndex: 6), new Gru(3, 2, rng, numberOfLayers: 2), 6); },
            WorkoutInput.PaddedTokens(4, 7, 6), [2], 7 * 3 + Recurrent(3, 3, 2, 2, 1)),

        // ParallelConcat: Σ of the branches' parameters, output Σ Fᵢ.
        new("ParallelConcat(Linear 4→2, Linear 4→3 → Tanh)", typeof(ParallelConcat),
            () => { var rng = Seed(); return new ParallelConcat(new Linear(4, 2, rng), new Sequential(new Linear(4, 3, rng), new Activation(ActivationKind.Tanh))); },
            WorkoutInput.Floats(4), [2 + 3], (4 * 2 + 2) + (4 * 3 + 3)),
        new("ParallelConcat(Conv1d k2 → max, Conv1d k3 → max) (TextCNN)", typeof(ParallelConcat),
            () =>
            {
                var rng = Seed();
                return new ParallelConcat(new Sequential(new Conv1d(3, 2, 2, rng), new GlobalMaxPool()), new Sequential(new Conv1d(3, 2, 3, rng), new GlobalMaxPool()));
            },
            WorkoutInput.Floats(3, 5), [2 + 2], (2 * 3 * 2 + 2) + (2 * 3 * 3 + 2)),

        // ResNet basic block (C → O): O·C·9 + O·O·9 + 2·(2·O) for the branch, + C·O + 2·O for a projection.
        new("ResNetBasicBlock(2→2, s1, identity)", typeof(ResNetBasicBlock), () => new ResNetBasicBlock(2, 2, 1, Seed()),
            WorkoutInput.Floats(2, 4, 4), [2, 4, 4], 2 * 2 * 9 + 2 * 2 * 9 + 2 * (2 * 2))
            { Step = BlockStep, GradientAtol = BlockAtol, GradientRtol = BlockRtol },
        new("ResNetBasicBlock(2→3, s2, projection)", typeof(ResNetBasicBlock), () => new ResNetBasicBlock(2, 3, 2, Seed()),
            WorkoutInput.Floats(2, 4, 4), [3, 2, 2], 3 * 2 * 9 + 3 * 3 * 9 + 2 * (2 * 3) + (2 * 3 + 2 * 3))
            { Step = BlockStep, GradientAtol = BlockAtol, GradientRtol = BlockRtol },

        // ResNet bottleneck block (C, M, e): C·M + M·M·9 + M·Me + 2·(M + M + Me), + C·Me + 2·Me for a projection.
        new("ResNetBottleneckBlock(4, M2, e2, s1, identity)", typeof(ResNetBottleneckBlock), () => new ResNetBottleneckBlock(4, 2, 1, Seed(), expansion: 2),
            WorkoutInput.Floats(4, 3, 3), [4, 3, 3], 4 * 2 + 2 * 2 * 9 + 2 * 4 + 2 * (2 + 2 + 4))
            { Step = BlockStep, GradientAtol = BlockAtol, GradientRtol = BlockRtol },
        new("ResNetBottleneckBlock(3, M2, e2, s2, projection)", typeof(ResNetBottleneckBlock), () => new ResNetBottleneckBlock(3, 2, 2, Seed(), expansion: 2),
            WorkoutInput.Floats(3, 4, 4), [4, 2, 2], 3 * 2 + 2 * 2 * 9 + 2 * 4 + 2 * (2 + 2 + 4) + (3 * 4 + 2 * 4))
            { Step = BlockStep, GradientAtol = BlockAtol, GradientRtol = BlockRtol },

        // DenseNet: a layer (C, k) is 2·C + k·C·9; a block sums its layers with C + ℓ·k inputs; a transition (C → O) is 2·C + O·C.
        new("DenseNetLayer(3, k2)", typeof(DenseNetLayer), () => new DenseNetLayer(3, 2, Seed()), WorkoutInput.Floats(3, 3, 3), [2, 3, 3], 2 * 3 + 2 * 3 * 9)
            { Step = BlockStep, GradientAtol = BlockAtol, GradientRtol = BlockRtol },
        new("DenseBlock(2, L2, k2)", typeof(DenseBlock), () => new DenseBlock(2, 2, 2, Seed()), WorkoutInput.Floats(2, 3, 3), [2 + 2 * 2, 3, 3],
            (2 * 2 + 2 * 2 * 9) + (2 * 4 + 2 * 4 * 9))
            { Step = BlockStep, GradientAtol = BlockAtol, GradientRtol = BlockRtol },
        new("TransitionLayer(4→2)", typeof(TransitionLayer), () => new TransitionLayer(4, 2, Seed()), WorkoutInput.Floats(4, 4, 4), [2, 2, 2], 2 * 4 + 2 * 4)
            { Step = BlockStep, GradientAtol = BlockAtol, GradientRtol = BlockRtol },

        // Sequential: Σ of its modules; these chains include the fused pairs (BatchNorm → ReLU, Conv1d → GlobalMaxPool).
        new("Sequential(Linear 4→5, BatchNorm, Relu, Linear 5→2)", typeof(Sequential),
            () => { var rng = Seed(); return new Sequential(new Linear(4, 5, rng), new BatchNorm(5), new Activation(ActivationKind.Relu), new Linear(5, 2, rng)); },
            WorkoutInput.Floats(4), [2], (4 * 5 + 5) + 2 * 5 + (5 * 2 + 2))
            { Step = BlockStep, GradientAtol = BlockAtol, GradientRtol = BlockRtol },
        new("Sequential(Reshape, Conv2d, BatchNorm, Relu, MaxPool2d, Flatten, Linear)", typeof(Sequential),
            () =>
            {
                var rng = Seed();
                return new Sequential(new Reshape(1, 4, 4), new Conv2d(1, 2, 3, rng, padding: 1), new BatchNorm(2), new Activation(ActivationKind.Relu),
                    new MaxPool2d(2), new Flatten(), new Linear(2 * 2 * 2, 3, rng));
            },
            WorkoutInput.Floats(16), [3], (2 * 1 * 9 + 2) + 2 * 2 + (8 * 3 + 3))
            { Step = BlockStep, GradientAtol = BlockAtol, GradientRtol = BlockRtol },
        new("Sequential(Embedding, Permute, Conv1d, GlobalMaxPool, Linear) (TextCNN)", typeof(Sequential),
            () =>
            {
                var rng = Seed();
                return new Sequential(new Embedding(8, 3, rng, initStd: 0.5f), new Permute(0, 2, 1), new Conv1d(3, 2, 2, rng), new GlobalMaxPool(), new Linear(2, 2, rng));
            },
            WorkoutInput.Tokens(4, 8), [2], 8 * 3 + (2 * 3 * 2 + 2) + (2 * 2 + 2)),

        // User-defined networks (NetworkDefinition.Build): the modules the builder composes, including the layout changes
        // (Permute) it inserts for sequences, export as one graph.
        new("NetworkDefinition: Concatenate(Conv2d 1×1 | Conv2d 3×3 → Relu) → AvgPool2d → GlobalAveragePool → Dense", typeof(Sequential),
            () => new NetworkDefinition()
                .Concatenate(new NetworkDefinition().Conv2d(2, 1), new NetworkDefinition().Conv2d(3, 3, padding: 1).Relu())
                .AvgPool2d(2).GlobalAveragePool().Dense(3).Build([2, 6, 6], Seed()),
            WorkoutInput.Floats(2, 6, 6), [3], (2 * 2 + 2) + (3 * 2 * 9 + 3) + (5 * 3 + 3))
            { Step = BlockStep, GradientAtol = BlockAtol, GradientRtol = BlockRtol },
        new("NetworkDefinition: sequence (T 4, F 2) → Conv1d → Gru → Dense", typeof(Sequential),
            () => new NetworkDefinition().Conv1d(3, 2).Gru(4).Dense(2).Build([4, 2], Seed()),
            WorkoutInput.Floats(4, 2), [2], (3 * 2 * 2 + 3) + (3 * 4 * 3 + 3 * 4 * 4 + 2 * 3 * 4) + (4 * 2 + 2)),
    ];
}
