using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models;

/// <summary>Builds multilayer perceptrons: per hidden layer Linear → [BatchNorm] → activation → [Dropout], then a Linear output layer.</summary>
internal static class Mlp
{
    /// <summary>Builds the network; weights come from <paramref name="rng"/> (He for ReLU-family, Glorot otherwise).</summary>
    /// <param name="architecture">Layer sizes and options.</param>
    /// <param name="rng">Seeded generator for weights and dropout masks.</param>
    /// <returns>(B, Inputs) → (B, Outputs) logits or values.</returns>
    public static Sequential Build(MlpArchitecture architecture, Rng rng)
    {
        var init = architecture.Activation is ActivationKind.Relu or ActivationKind.LeakyRelu ? WeightInit.HeUniform : WeightInit.GlorotUniform;
        var modules = new List<Module>();
        int width = architecture.Inputs;
        foreach (int hidden in architecture.HiddenLayers)
        {
            // A bias before BatchNorm is redundant (BN subtracts the mean), as in ResNet-style blocks.
            modules.Add(new Linear(width, hidden, rng, init, bias: !architecture.BatchNorm));
            if (architecture.BatchNorm) modules.Add(new BatchNorm(hidden));
            modules.Add(new Activation(architecture.Activation, architecture.LeakyReluAlpha));
            if (architecture.DropoutRate > 0f) modules.Add(new Dropout(architecture.DropoutRate, rng));
            width = hidden;
        }
        modules.Add(new Linear(width, architecture.Outputs, rng, WeightInit.GlorotUniform));
        return new Sequential(modules.ToArray());
    }
}
