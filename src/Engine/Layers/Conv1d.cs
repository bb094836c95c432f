namespace MlNetDeep.Engine.Layers;

/// <summary>
/// 1-D convolution over the last axis (PyTorch Conv1d with groups = 1), e.g. n-gram filters of a text CNN over
/// (B, E, T): (B, C, L) → (B, O, Lo); see <see cref="Ops.Conv1d"/>. Weight (O, C, k) in PyTorch/ONNX layout.
/// </summary>
/// <remarks>
/// Initialisation: W ~ the chosen <see cref="WeightInit"/> with fanIn = C·k and fanOut = O·k; the default He uniform is
/// U(±√(6/fanIn)) (not PyTorch's kaiming_uniform(a = √5) = U(±1/√fanIn)). Bias ~ U(±1/√fanIn) as in PyTorch.
/// <para>ONNX export: <c>MlNetDeep.Onnx.Export.Conv1dExporter</c> (src/Onnx/Export/Layers/Conv1dExporter.cs).</para>
/// </remarks>
internal sealed class Conv1d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inChannels">C</param>
    /// <param name="outChannels">O</param>
    /// <param name="kernel">k, the window length.</param>
    /// <param name="rng">Seeded generator for the weights and bias.</param>
    /// <param name="stride">Step between outputs.</param>
    /// <param name="padding">Zero padding at each end.</param>
    /// <param name="dilation">Tap spacing.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="init">Weight scheme (fanIn = C·k, fanOut = O·k).</param>
    public Conv1d(int inChannels, int outChannels, int kernel, Rng rng, int stride = 1, int padding = 0, int dilation = 1,
        bool bias = true, WeightInit init = WeightInit.HeUniform)
    {
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "Must be positive.");
        if (outChannels <= 0) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, "Must be positive.");
        Window2d.Line(kernel, stride, padding, dilation).Validate(nameof(Conv1d));
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Weight = Parameter.Create(outChannels, inChannels, kernel);
        Initializers.Fill(Weight, init, inChannels * kernel, outChannels * kernel, rng);
        if (bias)
        {
            Bias = Parameter.Create(outChannels);
            Initializers.FillUniform(Bias.Span, 1f / MathF.Sqrt(inChannels * kernel), rng);
        }
    }

    /// <summary>C</summary>
    public int InChannels { get; }

    /// <summary>O</summary>
    public int OutChannels { get; }

    /// <summary>k</summary>
    public int Kernel { get; }

    /// <summary>Step between outputs.</summary>
    public int Stride { get; }

    /// <summary>Zero padding at each end.</summary>
    public int Padding { get; }

    /// <summary>Tap spacing.</summary>
    public int Dilation { get; }

    /// <summary>(O, C, k)</summary>
    public Tensor Weight { get; }

    /// <summary>(O), or null when the layer has no bias.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> OwnParameters => Bias is null ? [Weight] : [Weight, Bias];

    /// <summary>(B, C, L) → (B, O, Lo)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, L)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.Conv1d(tape, x, Weight, Bias, Stride, Padding, Dilation);

    /// <summary>Max over time of this layer's output, (B, C, L) → (B, O), with the sparse backward of <see cref="Ops.Conv1dMaxOverTime"/>.</summary>
    /// <param name="tape">Tape that records the op.</param>
    /// <param name="x">(B, C, L)</param>
    internal Tensor ForwardMaxOverTime(Tape tape, Tensor x) => Ops.Conv1dMaxOverTime(tape, x, Weight, Bias, Stride, Padding, Dilation);
}
