using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MlNetDeep.Transforms;

/// <summary>
/// The one rule for "use this GPU, or fall back to the CPU" shared by <see cref="DeepLearningModel"/> and
/// <see cref="BatchScorer"/>: with the CPU runtime package the GPU is not even tried; with the GPU package a CUDA failure is
/// caught; either way the cause comes from <see cref="GpuDiagnosis"/>, and <c>fallbackToCpu</c> decides between a
/// warning in the context's log and an <see cref="InvalidOperationException"/> naming the cause.
/// </summary>
internal static class GpuFallback
{
    /// <summary>Opens something on GPU <paramref name="requested"/>, or on the CPU when the GPU cannot be used and fallback is allowed.</summary>
    /// <param name="ml">Context whose log receives the fallback warning.</param>
    /// <param name="requested">CUDA device.</param>
    /// <param name="fallbackToCpu">Fall back (true) or throw (false).</param>
    /// <param name="open">Opens on a device (null: the CPU).</param>
    /// <param name="component">Log source of the warning, e.g. "BatchScorer".</param>
    /// <param name="phase">Channel of the warning, e.g. "Load".</param>
    /// <param name="warn">Whether a fallback is logged (false when the caller has logged it already).</param>
    /// <param name="device">Where it runs, and why it fell back if it did.</param>
    public static T Open<T>(MLContext ml, int requested, bool fallbackToCpu, Func<int?, T> open, string component, string phase, bool warn, out ScoringDeviceReport device)
    {
        string cause;
        Exception? failure = null;
        if (OnnxRuntimeNative.Kind == NativeRuntimeKind.Cpu)
            cause = GpuDiagnosis.Cause(requested, null, 0);
        else
        {
            long logPosition = OnnxRuntimeNative.LogPosition;
            try
            {
                var opened = open(requested);
                device = new ScoringDeviceReport(requested, requested, null);
                return opened;
            }
            catch (Exception ex) when (GpuDiagnosis.IsGpuFailure(ex))
            {
                failure = ex;
                cause = GpuDiagnosis.Cause(requested, ex, logPosition);
            }
        }
        if (!fallbackToCpu) throw new InvalidOperationException(cause + GpuDiagnosis.NoFallback, failure);
        if (warn)
            using (var channel = ((IHostEnvironment)ml).Register(component).Start(phase))
                channel.Warning(MessageSensitivity.None, cause + GpuDiagnosis.FallingBack);
        var onCpu = open(null);
        device = new ScoringDeviceReport(requested, null, cause);
        return onCpu;
    }
}
