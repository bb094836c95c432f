namespace MlNetDeep.Engine.Layers;

/// <summary>Views each row of (B, …) as the given per-row shape: (B, Π shape) → (B, shape…), e.g. flat pixels → (B, C, H, W).</summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.ReshapeExporter</c> (src/Onnx/Export/Layers/ReshapeExporter.cs).</remarks>
internal sealed class Reshape : Module
{
    private readonly int[] _shape;

    /// <summary>Creates the layer.</summary>
    /// <param name="shape">Dimensions of one row, e.g. C, H, W.</param>
    public Reshape(params int[] shape)
    {
        if (shape.Length == 0 || shape.Any(d => d <= 0)) throw new ArgumentException("Reshape needs positive dimensions.", nameof(shape));
        _shape = shape;
    }

    /// <summary>Dimensions of one row.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>(B, Π shape) → (B, shape…)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, …) with Π shape values per row.</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.Reshape(tape, x, [x.Shape[0], .. _shape]);
}
