using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Runtime;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// Creates the one ONNX Runtime session a <see cref="BatchScorer"/> shares between its cursors (ORT sessions are safe to
/// <c>Run</c> from several threads at once), with the scorer's session settings and the GPU fallback of training and
/// <see cref="DeepLearningModel"/>: with the CPU package the GPU is not even tried; with the GPU package a CUDA failure is
/// caught; either way the cause comes from <see cref="GpuDiagnosis"/>, and FallbackToCpu decides between a warning in
/// the context's log and an <see cref="InvalidOperationException"/>.
/// </summary>
internal static class BatchSession
{
    /// <summary>Creates the session.</summary>
    /// <param name="ml">Context whose log receives a fallback warning.</param>
    /// <param name="model">ONNX bytes.</param>
    /// <param name="options">Checked options.</param>
    /// <param name="device">Where the session runs, and why it fell back if it did.</param>
    public static InferenceSession Create(MLContext ml, byte[] model, BatchScoringOptions options, out ScoringDeviceReport device)
    {
        OnnxRuntimeNative.Require("Batch scoring");
        if (options.GpuDeviceId is not int requested)
        {
            device = new ScoringDeviceReport(null, null, null);
            return Open(model, options, null);
        }

        string cause;
        Exception? failure = null;
        if (OnnxRuntimeNative.Kind == NativeRuntimeKind.Cpu)
            cause = GpuDiagnosis.Cause(requested, null, 0);
        else
        {
            long logPosition = OnnxRuntimeNative.LogPosition;
            try
            {
                var session = Open(model, options, requested);
                device = new ScoringDeviceReport(requested, requested, null);
                return session;
            }
            catch (Exception ex) when (GpuDiagnosis.IsGpuFailure(ex))
            {
                failure = ex;
                cause = GpuDiagnosis.Cause(requested, ex, logPosition);
            }
        }
        if (!options.FallbackToCpu) throw new InvalidOperationException(cause + GpuDiagnosis.NoFallback, failure);
        using (var channel = ((IHostEnvironment)ml).Register(nameof(BatchScorer)).Start("Create"))
            channel.Warning(MessageSensitivity.None, cause + GpuDiagnosis.FallingBack);
        device = new ScoringDeviceReport(requested, null, cause);
        return Open(model, options, null);
    }

    private static InferenceSession Open(byte[] model, BatchScoringOptions options, int? gpu)
    {
        using var settings = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            GraphOptimizationLevel = options.GraphOptimizationLevel switch
            {
                OnnxOptimizationLevel.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                OnnxOptimizationLevel.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                OnnxOptimizationLevel.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
        };
        if (gpu is int device) settings.AppendExecutionProvider_CUDA(device);
        return new InferenceSession(model, settings);
    }
}
