namespace MlNetDeep.Engine;

/// <summary>How a layer's weights are drawn. Never all-zero by default: identical neurons would stay identical.</summary>
internal enum WeightInit
{
    /// <summary>Glorot/Xavier uniform: U(−a, a), a = √(6 / (fanIn + fanOut)). Suits sigmoid and tanh.</summary>
    GlorotUniform,

    /// <summary>He/Kaiming uniform for ReLU: U(−a, a), a = √(6 / fanIn) (gain √2).</summary>
    HeUniform,

    /// <summary>He/Kaiming normal for ReLU: N(0, 2 / fanIn).</summary>
    HeNormal,
}
