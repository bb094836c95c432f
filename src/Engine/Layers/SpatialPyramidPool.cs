namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Spatial pyramid pooling (He et al. 2014): a fixed-length vector from maps of any size. For each level n, the
/// (H, W) plane is split into n×n bins with PyTorch's adaptive rule — bin (i, j) covers rows ⌊i·H/n⌋ … ⌈(i+1)·H/n⌉−1
/// and the matching columns — and each bin is max- or average-pooled (<see cref="Ops.AdaptivePool2d"/>).
/// (B, C, H, W) → (B, C·Σn²): levels in the given order; within a level channel-major, then bins row-major
/// (index c·n² + i·n + j). The ONNX export slices each bin from the runtime shape, so one model serves every H, W.
/// No parameters.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.SpatialPyramidPoolExporter</c> (src/Onnx/Export/Layers/SpatialPyramidPoolExporter.cs).</remarks>
internal sealed class SpatialPyramidPool : Module
{
    private readonly int[] _levels;

    /// <summary>Creates the layer.</summary>
    /// <param name="levels">Bins per side for each level, e.g. [1, 2, 4].</param>
    /// <param name="kind">Max or average per bin.</param>
    public SpatialPyramidPool(int[] levels, PyramidPoolKind kind = PyramidPoolKind.Max)
    {
        if (levels.Length == 0 || levels.Any(n => n <= 0))
            throw new ArgumentException("Spatial pyramid pooling needs at least one level, each with a positive bin count.", nameof(levels));
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown pooling kind.");
        _levels = (int[])levels.Clone();
        Kind = kind;
    }

    /// <summary>Bins per side, per level.</summary>
    public IReadOnlyList<int> Levels => _levels;

    /// <summary>Max or average.</summary>
    public PyramidPoolKind Kind { get; }

    /// <summary>Σn², the number of bins per channel (output features = C · BinCount).</summary>
    public int BinCount => _levels.Sum(n => n * n);

    /// <summary>(B, C, H, W) → (B, C·Σn²)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, H, W), any H, W ≥ 1</param>
    public override Tensor Forward(Tape tape, Tensor x)
    {
        if (x.Rank != 4) throw new ArgumentException($"SpatialPyramidPool expects (B, C, H, W), got {x}.", nameof(x));
        var parts = new Tensor[_levels.Length];
        for (int l = 0; l < _levels.Length; l++)
            parts[l] = Ops.Flatten(tape, Ops.AdaptivePool2d(tape, x, _levels[l], _levels[l], Kind == PyramidPoolKind.Max));
        return parts.Length == 1 ? parts[0] : Ops.Concat(tape, 1, parts);
    }
}
