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
internal sealed record MlpArchitecture(int Inputs, IReadOnlyList<int> HiddenLayers, int Outputs,
    ActivationKind Activation = ActivationKind.Relu, float LeakyReluAlpha = Layers.Activation.DefaultLeakyReluAlpha,
    float DropoutRate = 0f, bool BatchNorm = false);
