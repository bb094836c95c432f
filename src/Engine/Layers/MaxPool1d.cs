namespace MlNetDeep.Engine.Layers;

/// <summary>
/// Max pooling over windows of the last axis, PyTorch MaxPool1d with ceil_mode = false: (B, C, L) → (B, C, Lo);
/// see <see cref="Ops.MaxPool1d"/>. Padding never wins (acts as −∞). Exported as ONNX MaxPool with explicit strides (ONNX defaults to 1, PyTorch to the kernel). No parameters.
/// </summary>
/// <remarks>ONNX export: <c>MlNetDeep.Onnx.Export.MaxPool1dExporter</c> (src/Onnx/Export/Layers/MaxPool1dExporter.cs).</remarks>
internal sealed class MaxPool1d : Pool1dLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="kernel">Window length k.</param>
    /// <param name="stride">Step between windows; null means the kernel (PyTorch's default).</param>
    /// <param name="padding">Padding at each end (at most k / 2).</param>
    public MaxPool1d(int kernel, int? stride = null, int padding = 0) : base(kernel, stride, padding) { }

    /// <summary>(B, C, L) → (B, C, Lo)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, L)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.MaxPool1d(tape, x, Kernel, Stride, Padding);
}
