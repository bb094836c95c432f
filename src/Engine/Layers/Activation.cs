namespace MlNetDeep.Engine.Layers;

/// <summary>Applies an <see cref="ActivationKind"/> element-wise; no parameters.</summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.ActivationExporter</c> (src/Onnx/Export/Layers/ActivationExporter.cs).</remarks>
internal sealed class Activation : Module
{
    /// <summary>Default slope of LeakyReLU for negative inputs (PyTorch's and ONNX's 0.01).</summary>
    public const float DefaultLeakyReluAlpha = 0.01f;

    /// <summary>Creates the activation.</summary>
    /// <param name="kind">Nonlinearity.</param>
    /// <param name="alpha">LeakyReLU slope for z ≤ 0 (ignored by other kinds).</param>
    public Activation(ActivationKind kind, float alpha = DefaultLeakyReluAlpha)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
        if (!float.IsFinite(alpha) || alpha < 0f) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "LeakyReLU alpha must be finite and ≥ 0.");
        Kind = kind;
        Alpha = alpha;
    }

    /// <summary>Nonlinearity.</summary>
    public ActivationKind Kind { get; }

    /// <summary>LeakyReLU slope (only used by <see cref="ActivationKind.LeakyRelu"/>).</summary>
    public float Alpha { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tape tape, Tensor x) => Kind switch
    {
        ActivationKind.Sigmoid => Ops.Sigmoid(tape, x),
        ActivationKind.Tanh => Ops.Tanh(tape, x),
        ActivationKind.Relu => Ops.Relu(tape, x),
        _ => Ops.LeakyRelu(tape, x, Alpha),
    };
}
