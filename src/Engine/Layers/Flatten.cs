namespace MlNetDeep.Engine.Layers;

/// <summary>(B, d1, d2, …) → (B, d1·d2·…), a view without copying; see <see cref="Ops.Flatten"/>. ONNX Flatten(axis = 1). No parameters.</summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.FlattenExporter</c> (src/Onnx/Export/Layers/FlattenExporter.cs).</remarks>
internal sealed class Flatten : Module
{
    /// <summary>(B, …) → (B, rest)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, …)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.Flatten(tape, x);
}
