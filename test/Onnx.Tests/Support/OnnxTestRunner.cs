using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Sdk;

namespace MlNetDeep.Onnx.Tests.Support;

/// <summary>
/// Runs ONNX model bytes in ONNX Runtime for engine-vs-ORT parity tests.
/// <para>
/// <see cref="Run(byte[], (string name, float[] data, long[] dims)[])"/> and <see cref="RunTensors"/> run the model
/// twice, with graph optimisations disabled and fully enabled, assert that both agree, and return the outputs of
/// the unoptimised run (the most literal reading of the exported graph).
/// </para>
/// </summary>
internal static class OnnxTestRunner
{
    /// <summary>The optimisation levels every model is run at.</summary>
    public static readonly GraphOptimizationLevel[] Levels =
        [GraphOptimizationLevel.ORT_DISABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_ALL];

    /// <summary>
    /// Runs a model with float inputs and float outputs at both optimisation levels.
    /// Usage: <c>var y = OnnxTestRunner.Run(model, ("x", xs, [2, 3]))["y"];</c> then <c>y.values</c>, <c>y.dims</c>.
    /// </summary>
    public static Dictionary<string, (float[] values, long[] dims)> Run(
        byte[] model, params (string name, float[] data, long[] dims)[] inputs)
    {
        var typed = inputs.Select(i => OnnxTestInput.Float(i.name, i.data, i.dims)).ToArray();
        return RunTensors(model, typed).ToDictionary(kv => kv.Key, kv => (kv.Value.Floats, kv.Value.Dims));
    }

    /// <summary>
    /// Runs a model with inputs of any supported type (float, int64, bool) at both optimisation levels; returns every
    /// graph output by name. Float outputs of the two runs must agree within <paramref name="atol"/>/<paramref name="rtol"/>,
    /// other outputs exactly.
    /// </summary>
    public static Dictionary<string, OnnxTestOutput> RunTensors(
        byte[] model, OnnxTestInput[] inputs, double atol = 1e-5, double rtol = 1e-4)
    {
        Dictionary<string, OnnxTestOutput>? reference = null;
        foreach (GraphOptimizationLevel level in Levels)
        {
            var result = RunAtLevel(model, level, inputs);
            if (reference is null)
            {
                reference = result;
                continue;
            }

            Assert.Equal(reference.Keys.OrderBy(k => k), result.Keys.OrderBy(k => k));
            foreach ((string name, OnnxTestOutput expected) in reference)
            {
                OnnxTestOutput actual = result[name];
                string where = $"output '{name}' at {level} vs {Levels[0]}";
                Assert.True(expected.Dims.SequenceEqual(actual.Dims),
                    $"{where}: shape [{string.Join(",", actual.Dims)}] != [{string.Join(",", expected.Dims)}]");
                if (expected.Data is float[] ef)
                    AssertClose(ef, actual.Floats, atol, rtol, where);
                else
                    Assert.True(StructuralEquals(expected.Data, actual.Data), $"{where}: values differ");
            }
        }

        return reference!;
    }

    /// <summary>Same as <see cref="RunTensors"/> with params inputs and default tolerances.</summary>
    public static Dictionary<string, OnnxTestOutput> RunTensors(byte[] model, params OnnxTestInput[] inputs) =>
        RunTensors(model, inputs, 1e-5, 1e-4);

    /// <summary>Runs a model once at one optimisation level; returns every graph output by name.</summary>
    public static Dictionary<string, OnnxTestOutput> RunAtLevel(
        byte[] model, GraphOptimizationLevel level, params OnnxTestInput[] inputs)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level };
        using var session = new InferenceSession(model, options);
        var values = new List<OrtValue>();
        try
        {
            foreach (OnnxTestInput input in inputs)
                values.Add(input.CreateOrtValue());
            string[] outputNames = session.OutputNames.ToArray();
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, outputNames);
            var result = new Dictionary<string, OnnxTestOutput>(StringComparer.Ordinal);
            int k = 0;
            foreach (OrtValue output in outputs)
            {
                string name = outputNames[k++];
                var info = output.GetTensorTypeAndShape();
                Array data = info.ElementDataType switch
                {
                    TensorElementType.Float => output.GetTensorDataAsSpan<float>().ToArray(),
                    TensorElementType.Int64 => output.GetTensorDataAsSpan<long>().ToArray(),
                    TensorElementType.Int32 => output.GetTensorDataAsSpan<int>().ToArray(),
                    TensorElementType.Bool => output.GetTensorDataAsSpan<bool>().ToArray(),
                    TensorElementType.Double => output.GetTensorDataAsSpan<double>().ToArray(),
                    var t => throw new NotSupportedException($"Output '{name}' has unsupported element type {t}."),
                };
                result[name] = new OnnxTestOutput(name, info.ElementDataType, info.Shape, data);
            }

            return result;
        }
        finally
        {
            foreach (OrtValue v in values)
                v.Dispose();
        }
    }

    /// <summary>
    /// Asserts <c>|actual[i] − expected[i]| ≤ atol + rtol·|expected[i]|</c> for every element (NaN matches NaN,
    /// infinities must match exactly) and reports the first mismatching index.
    /// </summary>
    public static void AssertClose(float[] expected, float[] actual, double atol = 1e-5, double rtol = 1e-3) =>
        AssertClose(expected, actual, atol, rtol, null);

    /// <summary><see cref="AssertClose(float[], float[], double, double)"/> with a context label for the message.</summary>
    public static void AssertClose(float[] expected, float[] actual, double atol, double rtol, string? context)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        string prefix = context is null ? "" : context + ": ";
        if (expected.Length != actual.Length)
            throw new XunitException($"{prefix}length mismatch: expected {expected.Length} elements, actual {actual.Length}.");
        int mismatches = 0;
        int first = -1;
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            bool ok;
            if (double.IsNaN(e) || double.IsNaN(a))
                ok = double.IsNaN(e) && double.IsNaN(a);
            else if (double.IsInfinity(e) || double.IsInfinity(a))
                ok = e == a;
            else
            {
                double diff = Math.Abs(a - e);
                ok = diff <= atol + rtol * Math.Abs(e);
                worst = Math.Max(worst, diff);
            }

            if (!ok)
            {
                mismatches++;
                if (first < 0)
                    first = i;
            }
        }

        if (first >= 0)
            throw new XunitException(
                $"{prefix}{mismatches} of {expected.Length} elements differ (atol={atol}, rtol={rtol}); first at index {first}: " +
                $"expected {expected[first]:R}, actual {actual[first]:R}, |diff|={Math.Abs(actual[first] - expected[first]):R}; max |diff|={worst:R}.");
    }

    private static bool StructuralEquals(Array a, Array b) =>
        a.Length == b.Length && a.Cast<object>().SequenceEqual(b.Cast<object>());
}
