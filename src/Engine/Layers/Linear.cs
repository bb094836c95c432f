namespace MlNetDeep.Engine.Layers;

/// <summary>Fully connected layer y = x·Wᵀ + b with W (out, in) in ONNX/PyTorch layout (export is a copy).</summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.LinearExporter</c> (src/Onnx/Export/Layers/LinearExporter.cs).</remarks>
internal sealed class Linear : Module
{
    /// <summary>Creates the layer and initialises W with <paramref name="init"/> (fanIn = in, fanOut = out); b = 0.</summary>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="rng">Seeded generator for W.</param>
    /// <param name="init">Weight scheme; Glorot suits sigmoid/tanh, He suits ReLU.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    public Linear(int inFeatures, int outFeatures, Rng rng, WeightInit init = WeightInit.GlorotUniform, bool bias = true)
    {
        if (inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), inFeatures, "Must be positive.");
        if (outFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures, "Must be positive.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = Parameter.Create(outFeatures, inFeatures);
        Bias = bias ? Parameter.Create(outFeatures) : null;
        Initializers.Fill(Weight, init, inFeatures, outFeatures, rng);
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>(out, in)</summary>
    public Tensor Weight { get; }

    /// <summary>(out), or null when the layer has no bias.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> OwnParameters => Bias is null ? [Weight] : [Weight, Bias];

    /// <summary>(B, in) → (B, out)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, in)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.Linear(tape, x, Weight, Bias);
}
