using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Preprocessing;
using MlNetDeep.Onnx.Export;

namespace MlNetDeep;

/// <summary>What a task builds for training and export.</summary>
/// <param name="Network">(B, features) → (B, outputs).</param>
/// <param name="Preprocessing">What the model does to each feature row before the network, in the trainer and in the graph (null: nothing, e.g. token ids).</param>
/// <param name="GraphInput">The graph input, applying <paramref name="Preprocessing"/>.</param>
/// <param name="Architecture">Entries describing the network, written into the ONNX metadata.</param>
internal sealed record TaskModel(Module Network, FeaturePreprocessing? Preprocessing, IGraphInput GraphInput, IReadOnlyDictionary<string, string> Architecture)
{
    /// <summary>The part of <see cref="Network"/> that takes (B, C, H, W) images of any H, W, when it has one (SmallCnn with spatial pyramid pooling).</summary>
    public Module? AnySizeBody { get; init; }
}
