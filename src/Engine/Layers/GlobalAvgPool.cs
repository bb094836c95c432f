namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Mean of each channel over all positions: (B, C, H, W) or (B, C, L) → (B, C); see <see cref="Ops.GlobalAvgPool"/>.
/// Exported as ONNX GlobalAveragePool + Flatten (ONNX keeps (B, C, 1, 1)). No parameters.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.GlobalAvgPoolExporter</c> (src/Onnx/Export/Layers/GlobalAvgPoolExporter.cs).</remarks>
internal sealed class GlobalAvgPool : Module
{
    /// <summary>(B, C, …) → (B, C)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, …)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.GlobalAvgPool(tape, x);
}
