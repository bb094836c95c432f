namespace MlNetDeep.Engine.Layers;

/// <summary>How each bin of a <see cref="SpatialPyramidPool"/> is summarised.</summary>
internal enum PyramidPoolKind
{
    /// <summary>Maximum of the bin.</summary>
    Max,

    /// <summary>Mean of the bin.</summary>
    Average,
}
