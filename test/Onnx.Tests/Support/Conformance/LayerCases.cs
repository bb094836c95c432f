namespace MlNetDeep.Onnx.Tests.Support.Conformance;

/// <summary>
/// A Conv case decoded for an engine test: X (N, C, spatial…), W (M, C/group, kernel…), optional B (M), and the
/// attributes with ONNX defaults. <see cref="PadsBegin"/>/<see cref="PadsEnd"/> split ONNX's
/// [x1_begin, x2_begin, …, x1_end, x2_end, …] pads. auto_pad cases are rejected (none are committed).
/// </summary>
internal sealed record ConvCase(ConformanceCase Case, ConformanceTensor X, ConformanceTensor W, ConformanceTensor? B,
    int[] KernelShape, int[] Strides, int[] PadsBegin, int[] PadsEnd, int[] Dilations, int Group, ConformanceTensor ExpectedY)
{
    public static ConvCase Load(string name)
    {
        var c = ConformanceCase.Load(name);
        if (c.OpType != "Conv") throw new InvalidOperationException($"{name} is {c.OpType}, not Conv.");
        RequireNoAutoPad(c);
        ConformanceTensor x = c.NodeInput(0)!, w = c.NodeInput(1)!;
        int spatial = x.Shape.Length - 2;
        int[] kernel = Ints(c, "kernel_shape", w.Shape[2..]);
        (int[] begin, int[] end) = Pads(c, spatial);
        return new ConvCase(c, x, w, c.NodeInput(2), kernel, Ints(c, "strides", Ones(spatial)), begin, end,
            Ints(c, "dilations", Ones(spatial)), (int)c.Int("group", 1), c.NodeOutput(0)!);
    }

    internal static void RequireNoAutoPad(ConformanceCase c)
    {
        string autoPad = c.String("auto_pad", "NOTSET");
        if (autoPad != "NOTSET") throw new NotSupportedException($"{c.Name}: auto_pad = {autoPad} is not supported.");
    }

    internal static int[] Ones(int n) => Enumerable.Repeat(1, n).ToArray();

    internal static int[] Ints(ConformanceCase c, string attribute, int[] defaultValue) =>
        c.Ints(attribute)?.Select(v => checked((int)v)).ToArray() ?? defaultValue;

    internal static (int[] begin, int[] end) Pads(ConformanceCase c, int spatial)
    {
        int[] pads = Ints(c, "pads", new int[2 * spatial]);
        return (pads[..spatial], pads[spatial..]);
    }
}

/// <summary>
/// A MaxPool, AveragePool or GlobalAveragePool case decoded for an engine test: X (N, C, spatial…) and the
/// attributes with ONNX defaults (a global pool gets kernel = spatial dims, stride 1, no pads).
/// </summary>
internal sealed record PoolCase(ConformanceCase Case, string OpType, ConformanceTensor X, int[] KernelShape, int[] Strides,
    int[] PadsBegin, int[] PadsEnd, int[] Dilations, bool CeilMode, bool CountIncludePad, ConformanceTensor ExpectedY)
{
    public bool IsMax => OpType == "MaxPool";

    public static PoolCase Load(string name)
    {
        var c = ConformanceCase.Load(name);
        if (c.OpType is not ("MaxPool" or "AveragePool" or "GlobalAveragePool"))
            throw new InvalidOperationException($"{name} is {c.OpType}, not a pooling op.");
        ConformanceTensor x = c.NodeInput(0)!;
        int spatial = x.Shape.Length - 2;
        if (c.OpType == "GlobalAveragePool")
            return new PoolCase(c, "AveragePool", x, x.Shape[2..], ConvCase.Ones(spatial), new int[spatial], new int[spatial],
                ConvCase.Ones(spatial), false, false, c.NodeOutput(0)!);
        ConvCase.RequireNoAutoPad(c);
        if (c.NodeOutput(1) is not null) throw new NotSupportedException($"{name}: MaxPool Indices output is not supported.");
        (int[] begin, int[] end) = ConvCase.Pads(c, spatial);
        return new PoolCase(c, c.OpType, x, ConvCase.Ints(c, "kernel_shape", []), ConvCase.Ints(c, "strides", ConvCase.Ones(spatial)),
            begin, end, ConvCase.Ints(c, "dilations", ConvCase.Ones(spatial)), c.Int("ceil_mode", 0) != 0,
            c.Int("count_include_pad", 0) != 0, c.NodeOutput(0)!);
    }
}

/// <summary>
/// An RNN, GRU or LSTM case (layout = 0) decoded for an engine test. ONNX layout: X (seq, batch, input);
/// W (dirs, gates·H, input); R (dirs, gates·H, H); B (dirs, 2·gates·H) = [Wb | Rb], zeros when absent.
/// Gate order in W/R/B: LSTM i, o, f, c; GRU z, r, h; RNN one gate. Only Y_h is provided by the committed cases
/// (<see cref="ExpectedY"/> is null for them).
/// </summary>
internal sealed record RnnCase(ConformanceCase Case, string OpType, int HiddenSize, string Direction, int Gates,
    ConformanceTensor X, ConformanceTensor W, ConformanceTensor R, float[] B, long[]? SequenceLens,
    float[] InitialH, float[] InitialC, bool LinearBeforeReset,
    ConformanceTensor? ExpectedY, ConformanceTensor? ExpectedYh, ConformanceTensor? ExpectedYc)
{
    public int SeqLength => X.Shape[0];

    public int Batch => X.Shape[1];

    public int InputSize => X.Shape[2];

    /// <summary>Rows [gate·H, (gate+1)·H) of W for direction 0: a (H, input) weight.</summary>
    public float[] WGate(int gate) => W.Floats.AsSpan(gate * HiddenSize * InputSize, HiddenSize * InputSize).ToArray();

    /// <summary>Rows [gate·H, (gate+1)·H) of R for direction 0: a (H, H) weight.</summary>
    public float[] RGate(int gate) => R.Floats.AsSpan(gate * HiddenSize * HiddenSize, HiddenSize * HiddenSize).ToArray();

    /// <summary>Input bias Wb of one gate (H), direction 0.</summary>
    public float[] WbGate(int gate) => B.AsSpan(gate * HiddenSize, HiddenSize).ToArray();

    /// <summary>Recurrent bias Rb of one gate (H), direction 0.</summary>
    public float[] RbGate(int gate) => B.AsSpan((Gates + gate) * HiddenSize, HiddenSize).ToArray();

    public static RnnCase Load(string name)
    {
        var c = ConformanceCase.Load(name);
        int gates = c.OpType switch
        {
            "RNN" => 1,
            "GRU" => 3,
            "LSTM" => 4,
            _ => throw new InvalidOperationException($"{name} is {c.OpType}, not RNN/GRU/LSTM."),
        };
        if (c.Int("layout", 0) != 0) throw new NotSupportedException($"{name}: layout = 1 is not supported.");
        if (c.NodeInput(7) is not null) throw new NotSupportedException($"{name}: LSTM peepholes are not supported.");
        if (c.Has("activations") || c.Has("clip"))
            throw new NotSupportedException($"{name}: non-default activations or clip are not supported.");
        ConformanceTensor x = c.NodeInput(0)!, w = c.NodeInput(1)!, r = c.NodeInput(2)!;
        string direction = c.String("direction", "forward");
        int dirs = direction == "bidirectional" ? 2 : 1;
        int hidden = (int)c.Int("hidden_size", r.Shape[2]);
        int batch = x.Shape[1];
        float[] b = c.NodeInput(3)?.Floats ?? new float[dirs * 2 * gates * hidden];
        float[] h0 = c.NodeInput(5)?.Floats ?? new float[dirs * batch * hidden];
        float[] c0 = (gates == 4 ? c.NodeInput(6)?.Floats : null) ?? new float[dirs * batch * hidden];
        return new RnnCase(c, c.OpType, hidden, direction, gates, x, w, r, b, c.NodeInput(4)?.Integers, h0, c0,
            c.Int("linear_before_reset", 0) != 0, c.NodeOutput(0), c.NodeOutput(1), gates == 4 ? c.NodeOutput(2) : null);
    }
}
