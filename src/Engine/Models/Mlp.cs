using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models;

/// <summary>Builds multilayer perceptrons: per hidden layer Linear → [BatchNorm] → activation → [Dropout], then a Linear output layer.</summary>
internal static class Mlp
{
    /// <summary>Builds the network from the <see cref="NetworkPresets.Mlp"/> preset; weights come from <paramref name="rng"/> (He for ReLU-family, Glorot otherwise).</summary>
    /// <param name="architecture">Layer sizes and options.</param>
    /// <param name="rng">Seeded generator for weights and dropout masks.</param>
    /// <returns>(B, Inputs) → (B, Outputs) logits or values.</returns>
    public static Sequential Build(MlpArchitecture architecture, Rng rng) =>
        NetworkPresets.Mlp(architecture).Build([architecture.Inputs], rng);
}
