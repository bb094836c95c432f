namespace MlNetDeep.Engine.Layers;

/// <summary>
/// DenseNet dense block (Huang et al. 2017): L <see cref="DenseNetLayer"/>s with growth rate k, where layer ℓ receives the
/// channel concatenation [x, y₁, …, y_{ℓ−1}] (C + (ℓ−1)·k channels) and the block outputs [x, y₁, …, y_L]:
/// (B, C, H, W) → (B, C + L·k, H, W), input channels first, then each layer's maps in order (as torchvision).
/// </summary>
/// <remarks>
/// Children: the L layers in order. The concatenations are recomputed per layer (memory grows as L², fine for the
/// small blocks this engine targets). Exported to ONNX as the layers' nodes joined by Concat(axis = 1).
/// <para>ONNX export: <c>MlNetDeep.Onnx.Export.DenseBlockExporter</c> (src/Onnx/Export/Layers/DenseBlockExporter.cs).</para>
/// </remarks>
internal sealed class DenseBlock : Module
{
    private readonly DenseNetLayer[] _layers;

    /// <summary>Creates the block; layer ℓ (from 1) has C + (ℓ−1)·k input channels.</summary>
    /// <param name="inChannels">C</param>
    /// <param name="layers">L, at least 1.</param>
    /// <param name="growthRate">k</param>
    /// <param name="rng">Seeded generator for the convolution weights.</param>
    public DenseBlock(int inChannels, int layers, int growthRate, Rng rng)
    {
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "Must be positive.");
        if (layers <= 0) throw new ArgumentOutOfRangeException(nameof(layers), layers, "Must be positive.");
        if (growthRate <= 0) throw new ArgumentOutOfRangeException(nameof(growthRate), growthRate, "Must be positive.");
        InChannels = inChannels;
        GrowthRate = growthRate;
        _layers = new DenseNetLayer[layers];
        for (int l = 0; l < layers; l++) _layers[l] = new DenseNetLayer(inChannels + l * growthRate, growthRate, rng);
    }

    /// <summary>C</summary>
    public int InChannels { get; }

    /// <summary>k</summary>
    public int GrowthRate { get; }

    /// <summary>The L layers in forward order.</summary>
    public IReadOnlyList<DenseNetLayer> Layers => _layers;

    /// <summary>C + L·k</summary>
    public int OutChannels => InChannels + _layers.Length * GrowthRate;

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children => _layers;

    /// <summary>(B, C, H, W) → (B, C + L·k, H, W)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, H, W)</param>
    public override Tensor Forward(Tape tape, Tensor x)
    {
        var features = new List<Tensor>(_layers.Length + 1) { x };
        foreach (var layer in _layers)
            features.Add(layer.Forward(tape, features.Count == 1 ? x : Ops.Concat(tape, 1, features)));
        return Ops.Concat(tape, 1, features);
    }
}
