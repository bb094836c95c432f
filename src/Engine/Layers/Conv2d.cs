namespace MlNetDeep.Engine.Layers;

/// <summary>
/// 2-D convolution (PyTorch Conv2d with groups = 1): (B, C, H, W) → (B, O, Ho, Wo); see <see cref="Ops.Conv2d"/>.
/// Weight (O, C, kh, kw) in PyTorch/ONNX layout, so export is a copy.
/// </summary>
/// <remarks>
/// Initialisation: W ~ the chosen <see cref="WeightInit"/> with fanIn = C·kh·kw and fanOut = O·kh·kw; the default He uniform is
/// U(±√(6/fanIn)) (Kaiming for ReLU, gain √2 — wider than PyTorch's default kaiming_uniform(a = √5), which is
/// U(±1/√fanIn)). Bias ~ U(±1/√fanIn) as in PyTorch.
/// <para>ONNX export: <c>MlNetDeep.Onnx.Export.Conv2dExporter</c> (src/Onnx/Export/Layers/Conv2dExporter.cs).</para>
/// </remarks>
internal sealed class Conv2d : Module
{
    /// <summary>Creates the layer with an arbitrary window (non-square kernel, per-axis stride, padding, dilation).</summary>
    /// <param name="inChannels">C</param>
    /// <param name="outChannels">O</param>
    /// <param name="window">Kernel (kh, kw), stride, padding, dilation.</param>
    /// <param name="rng">Seeded generator for the weights and bias.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="init">Weight scheme (fanIn = C·kh·kw, fanOut = O·kh·kw).</param>
    public Conv2d(int inChannels, int outChannels, Window2d window, Rng rng, bool bias = true, WeightInit init = WeightInit.HeUniform)
    {
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "Must be positive.");
        if (outChannels <= 0) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, "Must be positive.");
        window.Validate(nameof(Conv2d));
        InChannels = inChannels;
        OutChannels = outChannels;
        Window = window;
        int taps = window.KernelH * window.KernelW;
        Weight = Parameter.Create(outChannels, inChannels, window.KernelH, window.KernelW);
        Initializers.Fill(Weight, init, inChannels * taps, outChannels * taps, rng);
        if (bias)
        {
            Bias = Parameter.Create(outChannels);
            Initializers.FillUniform(Bias.Span, 1f / MathF.Sqrt(inChannels * taps), rng);
        }
    }

    /// <summary>Creates the layer with a square kernel (PyTorch's integer arguments).</summary>
    /// <param name="inChannels">C</param>
    /// <param name="outChannels">O</param>
    /// <param name="kernel">kh = kw.</param>
    /// <param name="rng">Seeded generator for the weights and bias.</param>
    /// <param name="stride">Step in both directions.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="dilation">Tap spacing in both directions.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="init">Weight scheme.</param>
    public Conv2d(int inChannels, int outChannels, int kernel, Rng rng, int stride = 1, int padding = 0, int dilation = 1,
        bool bias = true, WeightInit init = WeightInit.HeUniform)
        : this(inChannels, outChannels, Window2d.Square(kernel, stride, padding, dilation), rng, bias, init) { }

    /// <summary>C</summary>
    public int InChannels { get; }

    /// <summary>O</summary>
    public int OutChannels { get; }

    /// <summary>Kernel, stride, padding, dilation.</summary>
    public Window2d Window { get; }

    /// <summary>(O, C, kh, kw)</summary>
    public Tensor Weight { get; }

    /// <summary>(O), or null when the layer has no bias.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> OwnParameters => Bias is null ? [Weight] : [Weight, Bias];

    /// <summary>(B, C, H, W) → (B, O, Ho, Wo)</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">(B, C, H, W)</param>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.Conv2d(tape, x, Weight, Bias, Window);
}
