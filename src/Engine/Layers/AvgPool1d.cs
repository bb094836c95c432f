namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Average pooling (count_include_pad = true: padding counts as zeros in the k divisor) over windows of the last axis, PyTorch AvgPool1d with ceil_mode = false: (B, C, L) → (B, C, Lo);
/// see <see cref="Ops.AvgPool1d"/>. Exported as ONNX AveragePool with count_include_pad = 1 written explicitly. No parameters.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.AvgPool1dExporter</c> (src/Onnx/Export/Layers/AvgPool1dExporter.cs).</remarks>
internal sealed class AvgPool1d : Pool1dLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="kernel">Window length k.</param>
    /// <param name="stride">Step between windows; null means the kernel (PyTorch's default).</param>
    /// <param name="padding">Padding at each end (at most k / 2).</param>
    public AvgPool1d(int kernel, int? stride = null, int padding = 0) : base(kernel, stride, padding) { }

    /// <summary>(B, C, L) → (B, C, Lo)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, L)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.AvgPool1d(tape, x, Kernel, Stride, Padding);
}
