using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// Creates the one ONNX Runtime session a <see cref="BatchScorer"/> shares between its cursors (ORT sessions are safe to
/// <c>Run</c> from several threads at once), with the scorer's session settings and the GPU fallback of training and
/// <see cref="DeepLearningModel"/> (<see cref="GpuFallback"/>).
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

        return GpuFallback.Open(ml, requested, options.FallbackToCpu, gpu => Open(model, options, gpu), nameof(BatchScorer), "Create", warn: true, out device);
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
