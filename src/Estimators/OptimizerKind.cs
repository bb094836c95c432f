namespace MlNetDeep;

/// <summary>Optimisation algorithm used by the trainers.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (β₁ 0.9, β₂ 0.999, ε 1e-8); robust default.</summary>
    Adam,

    /// <summary>Stochastic gradient descent with the options' Momentum (0 for plain SGD).</summary>
    Sgd,
}
