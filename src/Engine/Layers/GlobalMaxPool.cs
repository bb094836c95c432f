namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Maximum of each channel over all positions — max-over-time for text CNNs: (B, C, L) or (B, C, H, W) → (B, C);
/// see <see cref="Ops.GlobalMaxPool"/>. Exported as ONNX GlobalMaxPool + Flatten. No parameters.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.GlobalMaxPoolExporter</c> (src/Onnx/Export/Layers/GlobalMaxPoolExporter.cs).</remarks>
internal sealed class GlobalMaxPool : Module
{
    /// <summary>(B, C, …) → (B, C)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, …)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.GlobalMaxPool(tape, x);
}
