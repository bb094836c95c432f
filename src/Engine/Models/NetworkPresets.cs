namespace MlNetDeep.Engine.Models;

/// <summary>
/// The built-in architectures written with the public <see cref="NetworkDefinition"/> builder, so the builder is proven by
/// our own models. Each preset lists the same layers, in the same order, with the same initialisation as the engine
/// networks always had: built from the same <see cref="Rng"/> they give bit-identical weights (Engine.Tests' PresetTests
/// compare them with the former hand-written builders).
/// </summary>
internal static class NetworkPresets
{
    /// <summary>
    /// Per hidden layer Dense (no bias with BatchNorm) → [BatchNorm] → activation → [Dropout], then Dense(outputs).
    /// Input (Inputs). Dense look-ahead gives He-uniform before ReLU / leaky ReLU and Glorot otherwise (and for the output).
    /// </summary>
    public static NetworkDefinition Mlp(MlpArchitecture architecture)
    {
        var network = new NetworkDefinition();
        foreach (int hidden in architecture.HiddenLayers)
        {
            network.Dense(hidden, bias: !architecture.BatchNorm);
            if (architecture.BatchNorm) network.BatchNorm();
            network.Activation(architecture.Activation, architecture.LeakyReluAlpha);
            if (architecture.DropoutRate > 0f) network.Dropout(architecture.DropoutRate);
        }
        return network.Dense(architecture.Outputs);
    }

    /// <summary>
    /// Two stages conv3×3 (padding 1) → BatchNorm → MaxPool 2 → ReLU, then Flatten or spatial pyramid pooling,
    /// Dense(hidden) → ReLU → [Dropout] → Dense(classes). Input (C, H, W).
    /// </summary>
    /// <remarks>ReLU after the pool: the same values as before it (max and ReLU commute) at a quarter of the work.</remarks>
    public static NetworkDefinition SmallCnn(int classCount, SmallCnnArchitecture architecture)
    {
        var network = new NetworkDefinition()
            .Conv2d(architecture.Conv1Channels, 3, padding: 1).BatchNorm().MaxPool2d(2).Relu()
            .Conv2d(architecture.Conv2Channels, 3, padding: 1).BatchNorm().MaxPool2d(2).Relu();
        if (architecture.SpatialPyramidLevels is { } levels) network.SpatialPyramidPool(levels);
        else network.Flatten();
        network.Dense(architecture.HiddenUnits).Relu();
        if (architecture.DropoutRate > 0f) network.Dropout(architecture.DropoutRate);
        return network.Dense(classCount);
    }

    /// <summary>
    /// Stem conv3×3 (padding 1, no bias) → BatchNorm → ReLU; per stage its blocks, the first block of every stage after
    /// the first with stride 2; GlobalAveragePool → Dense(classes). Input (C, H, W), any H, W ≥ 1.
    /// </summary>
    public static NetworkDefinition ResNet(int classCount, ResNetArchitecture architecture)
    {
        var network = new NetworkDefinition().Conv2d(architecture.StemChannels, 3, padding: 1, bias: false).BatchNorm().Relu();
        for (int s = 0; s < architecture.StageChannels.Count; s++)
        {
            for (int b = 0; b < architecture.BlocksPerStage[s]; b++)
            {
                int stride = s > 0 && b == 0 ? 2 : 1;
                if (architecture.Block == ResNetBlockKind.Basic) network.ResidualBlock(architecture.StageChannels[s], stride);
                else network.BottleneckBlock(architecture.StageChannels[s], stride, architecture.BottleneckExpansion);
            }
        }
        return network.GlobalAveragePool().Dense(classCount);
    }

    /// <summary>
    /// Stem conv3×3 (padding 1, no bias); dense blocks with a transition (compression θ) between consecutive blocks;
    /// BatchNorm → ReLU → GlobalAveragePool → Dense(classes). Input (C, H, W) with H, W ≥ 2^(blocks − 1).
    /// </summary>
    public static NetworkDefinition DenseNet(int classCount, DenseNetArchitecture architecture)
    {
        var network = new NetworkDefinition().Conv2d(architecture.StemChannels, 3, padding: 1, bias: false);
        for (int b = 0; b < architecture.LayersPerBlock.Count; b++)
        {
            network.DenseBlock(architecture.LayersPerBlock[b], architecture.GrowthRate);
            if (b + 1 < architecture.LayersPerBlock.Count) network.Transition(architecture.Compression);
        }
        return network.BatchNorm().Relu().GlobalAveragePool().Dense(classCount);
    }

    /// <summary>
    /// TextCNN (Kim 2014): Embedding(E) → per kernel width k a branch Conv1d(F, k) → GlobalMaxPool1d → ReLU, concatenated
    /// (F·widths) → [Dropout] → Dense(classes). Token ids (T) with T ≥ the widest kernel. The builder permutes the
    /// embeddings to channels-first once, before the branches, and each branch's convolution and max over time run fused
    /// (<see cref="Ops.Conv1dMaxOverTime"/>); ReLU after the max gives the same values at 1/T of the work.
    /// </summary>
    public static NetworkDefinition TextCnn(TextCnnSpec architecture)
    {
        var network = new NetworkDefinition().Embedding(architecture.EmbeddingSize)
            .Branches([.. architecture.KernelSizes.Select(k => new NetworkDefinition().Conv1d(architecture.FiltersPerKernel, k).GlobalMaxPool1d().Relu())]);
        if (architecture.DropoutRate > 0f) network.Dropout(architecture.DropoutRate);
        return network.Dense(architecture.Outputs);
    }

    /// <summary>
    /// Recurrent text classifier: Embedding(E) → the recurrent stack's final state (read up to each text's padding,
    /// <see cref="Layers.TextRecurrentEncoder"/>) → [Dropout] → Dense(classes). Token ids (T).
    /// </summary>
    public static NetworkDefinition TextRecurrent(int embeddingSize, RecurrentStackSpec recurrent, int classCount) =>
        RecurrentHead(new NetworkDefinition().Embedding(embeddingSize), recurrent, classCount);

    /// <summary>
    /// Numeric-sequence classifier, regressor or forecaster: the recurrent stack's final state → [Dropout] → Dense(outputs).
    /// Input (T, F); built with <see cref="NetworkDefinition.BuildFromFlatRows"/> it reads the graph's flat (B, T·F) rows
    /// directly (<see cref="Layers.RecurrentEncoder"/>).
    /// </summary>
    public static NetworkDefinition NumericSequence(RecurrentStackSpec recurrent, int outputs) =>
        RecurrentHead(new NetworkDefinition(), recurrent, outputs);

    // The stack's dropout rate also applies between its stacked layers, and the output layer is Glorot-uniform.
    private static NetworkDefinition RecurrentHead(NetworkDefinition network, RecurrentStackSpec recurrent, int outputs)
    {
        network.Recurrent(recurrent.Cell, recurrent.HiddenSize, recurrent.Bidirectional, recurrent.Layers, recurrent.DropoutRate);
        if (recurrent.DropoutRate > 0f) network.Dropout(recurrent.DropoutRate);
        return network.Dense(outputs);
    }
}
