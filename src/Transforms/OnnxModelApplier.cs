using Microsoft.ML;

namespace MlNetDeep.Transforms;

/// <summary>
/// Creates ML.NET's own ApplyOnnxModel estimator for ONNX bytes, handling GPU requests. With only the CPU
/// runtime installed, ML.NET throws <see cref="EntryPointNotFoundException"/> even with fallbackToCpu
/// (its fallback catches only OnnxRuntimeException), and with the GPU package it falls back without saying why, so
/// ML.NET's fallback is never used: the GPU is tried with fallbackToCpu false and the fallback is done here, with a
/// message from <see cref="GpuDiagnosis"/>. Without any native runtime, the exception names the package to add.
/// </summary>
internal static class OnnxModelApplier
{
    /// <summary>Builds the estimator (ML.NET creates the ONNX Runtime session here, so a missing GPU runtime shows up now).</summary>
    /// <param name="ml">Context whose transforms catalog creates the estimator.</param>
    /// <param name="outputColumns">ONNX output names (= column names).</param>
    /// <param name="inputColumns">ONNX input names (= column names).</param>
    /// <param name="onnxModel">Model bytes (ML.NET 5 and 6 copy them to a temp file under MLContext.TempFilePath that is never
    /// deleted, not even on Dispose: docs/ml-net-6-and-onnx-runtime-1.32.md; issue 11 point 6) or a model file (used in place).</param>
    /// <param name="scoring">GPU settings.</param>
    /// <param name="log">Receives the fallback message.</param>
    public static IEstimator<ITransformer> Create(MLContext ml, string[] outputColumns, string[] inputColumns, OnnxModelSource onnxModel,
        OnnxScoringOptions scoring, Action<string>? log)
    {
        OnnxRuntimeNative.Require("Scoring with ONNX Runtime");
        if (scoring.GpuDeviceId is not int device)
            return Apply(ml, outputColumns, inputColumns, onnxModel, null);
        if (OnnxRuntimeNative.Kind == NativeRuntimeKind.Cpu) // no CUDA provider: do not even try (ML.NET's fallback would not catch it)
            return FallBack(ml, outputColumns, inputColumns, onnxModel, scoring, log, GpuDiagnosis.Cause(device, null, 0), null);
        long logPosition = OnnxRuntimeNative.LogPosition;
        try
        {
            return Apply(ml, outputColumns, inputColumns, onnxModel, device);
        }
        catch (Exception ex) when (GpuDiagnosis.IsGpuFailure(ex))
        {
            return FallBack(ml, outputColumns, inputColumns, onnxModel, scoring, log, GpuDiagnosis.Cause(device, ex, logPosition), ex);
        }
    }

    private static IEstimator<ITransformer> FallBack(MLContext ml, string[] outputColumns, string[] inputColumns, OnnxModelSource onnxModel,
        OnnxScoringOptions scoring, Action<string>? log, string cause, Exception? failure)
    {
        if (!scoring.FallbackToCpu) throw new InvalidOperationException(cause + GpuDiagnosis.NoFallback, failure);
        log?.Invoke(cause + GpuDiagnosis.FallingBack);
        return Apply(ml, outputColumns, inputColumns, onnxModel, null);
    }

    private static IEstimator<ITransformer> Apply(MLContext ml, string[] outputs, string[] inputs, OnnxModelSource model, int? device) =>
        model.Path is { } path
            ? ml.Transforms.ApplyOnnxModel(outputs, inputs, path, device, fallbackToCpu: false)
            : ml.Transforms.ApplyOnnxModel(outputs, inputs, new MemoryStream(model.Bytes!), device, fallbackToCpu: false);
}
