namespace MlNetDeep;

/// <summary>Element-wise nonlinearities.</summary>
public enum ActivationKind
{
    /// <summary>1/(1+e^−z)</summary>
    Sigmoid,

    /// <summary>tanh(z)</summary>
    Tanh,

    /// <summary>max(z, 0)</summary>
    Relu,

    /// <summary>z for z &gt; 0, α·z otherwise</summary>
    LeakyRelu,
}
