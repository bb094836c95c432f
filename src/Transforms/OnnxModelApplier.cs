using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace MlNetDeep.Transforms;

/// <summary>
/// Creates ML.NET's own ApplyOnnxModel estimator for ONNX bytes, handling GPU requests. With only the CPU
/// runtime installed, ML.NET throws <see cref="EntryPointNotFoundException"/> even with fallbackToCpu
/// (its fallback catches only OnnxRuntimeException), so the fallback is done here.
/// </summary>
internal static class OnnxModelApplier
{
    /// <summary>Builds the estimator (ML.NET creates the ONNX Runtime session here, so a missing GPU runtime shows up now).</summary>
    /// <param name="ml">Context whose transforms catalog creates the estimator.</param>
    /// <param name="outputColumns">ONNX output names (= column names).</param>
    /// <param name="inputColumns">ONNX input names (= column names).</param>
    /// <param name="onnxModel">Model bytes (ML.NET 5 and 6 copy them to a temp file under MLContext.TempFilePath that is never
    /// deleted, not even on Dispose: docs/ml-net-6-and-onnx-runtime-1.32.md; so <see cref="ScoringChain.Fit"/> passes a file) or a model file (used in place).</param>
    /// <param name="scoring">GPU settings.</param>
    /// <param name="log">Receives the fallback message.</param>
    public static IEstimator<ITransformer> Create(MLContext ml, string[] outputColumns, string[] inputColumns, OnnxModelSource onnxModel,
        OnnxScoringOptions scoring, Action<string>? log)
    {
        if (scoring.GpuDeviceId is not int device)
            return Apply(ml, outputColumns, inputColumns, onnxModel, null);
        try
        {
            return Apply(ml, outputColumns, inputColumns, onnxModel, device);
        }
        catch (Exception ex) when (IsMissingGpuRuntime(ex))
        {
            string message = $"GPU device {device} cannot be used ({Describe(ex)}); " +
                "the application needs the Microsoft.ML.OnnxRuntime.Gpu package (CUDA 13 and cuDNN 9) instead of Microsoft.ML.OnnxRuntime.";
            if (!scoring.FallbackToCpu) throw new InvalidOperationException(message + " Set FallbackToCpu to score on the CPU instead.", ex);
            log?.Invoke(message + " Falling back to the CPU.");
            return Apply(ml, outputColumns, inputColumns, onnxModel, null);
        }
    }

    private static IEstimator<ITransformer> Apply(MLContext ml, string[] outputs, string[] inputs, OnnxModelSource model, int? device) =>
        model.Path is { } path
            ? ml.Transforms.ApplyOnnxModel(outputs, inputs, path, device, fallbackToCpu: false)
            : ml.Transforms.ApplyOnnxModel(outputs, inputs, new MemoryStream(model.Bytes!), device, fallbackToCpu: false);

    /// <summary>Whether <paramref name="ex"/> (or an inner exception) says the GPU runtime or device is missing.</summary>
    /// <param name="ex">What ML.NET threw.</param>
    internal static bool IsMissingGpuRuntime(Exception ex) => ex switch
    {
        EntryPointNotFoundException or DllNotFoundException or OnnxRuntimeException => true,
        { InnerException: { } inner } => IsMissingGpuRuntime(inner),
        _ => false,
    };

    private static string Describe(Exception ex) => ex.InnerException is { } inner && ex is not EntryPointNotFoundException
        ? $"{ex.GetType().Name}: {inner.Message}" : $"{ex.GetType().Name}: {ex.Message}";
}
