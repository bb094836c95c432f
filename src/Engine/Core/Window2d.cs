namespace MlNetDeep.Engine;

/// <summary>
/// Geometry of a 2-D sliding window (convolution or pooling) over an (H, W) plane, PyTorch/ONNX semantics with
/// floor rounding (ceil_mode = 0): Ho = ⌊(H + 2·PadH − DilationH·(KernelH − 1) − 1) / StrideH⌋ + 1, likewise Wo.
/// Output (oh, ow) reads input rows oh·StrideH − PadH + i·DilationH (i &lt; KernelH) and the matching columns;
/// positions outside the plane are padding. 1-D windows use KernelH = 1, StrideH = 1, PadH = 0 with H = 1.
/// </summary>
/// <param name="KernelH">Window rows (kh).</param>
/// <param name="KernelW">Window columns (kw).</param>
/// <param name="StrideH">Row step between outputs.</param>
/// <param name="StrideW">Column step between outputs.</param>
/// <param name="PadH">Implicit padding rows at the top and at the bottom.</param>
/// <param name="PadW">Implicit padding columns at the left and at the right.</param>
/// <param name="DilationH">Row spacing of the window taps.</param>
/// <param name="DilationW">Column spacing of the window taps.</param>
internal readonly record struct Window2d(int KernelH, int KernelW, int StrideH, int StrideW, int PadH, int PadW,
    int DilationH = 1, int DilationW = 1)
{
    /// <summary>A square window (PyTorch's integer arguments).</summary>
    /// <param name="kernel">kh = kw.</param>
    /// <param name="stride">Step in both directions.</param>
    /// <param name="padding">Padding on every side.</param>
    /// <param name="dilation">Tap spacing in both directions.</param>
    public static Window2d Square(int kernel, int stride = 1, int padding = 0, int dilation = 1) =>
        new(kernel, kernel, stride, stride, padding, padding, dilation, dilation);

    /// <summary>A 1-D window over the last axis, expressed as a 2-D window with one row.</summary>
    /// <param name="kernel">Window length.</param>
    /// <param name="stride">Step between outputs.</param>
    /// <param name="padding">Padding at each end.</param>
    /// <param name="dilation">Tap spacing.</param>
    public static Window2d Line(int kernel, int stride = 1, int padding = 0, int dilation = 1) =>
        new(1, kernel, 1, stride, 0, padding, 1, dilation);

    /// <summary>Output rows for <paramref name="h"/> input rows.</summary>
    /// <param name="h">Input rows.</param>
    public int OutH(int h) => (h + 2 * PadH - DilationH * (KernelH - 1) - 1) / StrideH + 1;

    /// <summary>Output columns for <paramref name="w"/> input columns.</summary>
    /// <param name="w">Input columns.</param>
    public int OutW(int w) => (w + 2 * PadW - DilationW * (KernelW - 1) - 1) / StrideW + 1;

    /// <summary>Throws unless every size is positive and the padding non-negative.</summary>
    /// <param name="what">Name of the op or layer for the message.</param>
    public void Validate(string what)
    {
        if (KernelH <= 0 || KernelW <= 0 || StrideH <= 0 || StrideW <= 0 || DilationH <= 0 || DilationW <= 0 || PadH < 0 || PadW < 0)
            throw new ArgumentException($"{what}: invalid window {this} (kernel, stride and dilation must be positive, padding non-negative).");
    }

    /// <summary>Throws unless the window yields at least one output for an (h, w) input.</summary>
    /// <param name="what">Name of the op or layer for the message.</param>
    /// <param name="h">Input rows.</param>
    /// <param name="w">Input columns.</param>
    public void CheckInput(string what, int h, int w)
    {
        if (h + 2 * PadH < DilationH * (KernelH - 1) + 1 || w + 2 * PadW < DilationW * (KernelW - 1) + 1)
            throw new ArgumentException($"{what}: input ({h}, {w}) is smaller than the window {this}.");
    }
}
