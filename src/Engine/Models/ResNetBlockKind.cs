using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep;

/// <summary>Residual block used by every stage of a <see cref="ResNet"/>.</summary>
public enum ResNetBlockKind
{
    /// <summary><see cref="ResNetBasicBlock"/>: two 3×3 convolutions; a stage's channel count is its output width.</summary>
    Basic,

    /// <summary><see cref="ResNetBottleneckBlock"/>: 1×1 → 3×3 → 1×1; a stage's channel count is its bottleneck width, its output that times the expansion.</summary>
    Bottleneck,
}
