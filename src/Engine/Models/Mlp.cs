using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Engine.Models;

/// <summary>Architecture of a multilayer perceptron.</summary>
/// <param name="Inputs">Input features F.</param>
/// <param name="HiddenLayers">Width of each hidden layer, input side first.</param>
/// <param name="Outputs">Output units (classes, or regression targets).</param>
/// <param name="Activation">Nonlinearity after each hidden layer.</param>
/// <param name="LeakyReluAlpha">Slope for z ≤ 0 when <paramref name="Activation"/> is LeakyReLU.</param>
/// <param name="DropoutRate">Dropout probability after each hidden activation (0 disables).</param>
/// <param name="BatchNorm">Insert BatchNorm between each hidden Linear and its activation.</param>
public sealed record MlpArchitecture(int Inputs, IReadOnlyList<int> HiddenLayers, int Outputs,
    ActivationKind Activation = ActivationKind.Relu, float LeakyReluAlpha = Layers.Activation.DefaultLeakyReluAlpha,
    float DropoutRate = 0f, bool BatchNorm = false);

/// <summary>Builds multilayer perceptrons: per hidden layer Linear → [BatchNorm] → activation → [Dropout], then a Linear output layer.</summary>
public static class Mlp
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
