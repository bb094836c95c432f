using Microsoft.ML.OnnxRuntime;

namespace MlNetDeep.Transforms;

/// <summary>
/// Why a GPU device cannot be used, in words that name the cause: the CPU package is referenced (no CUDA provider), or
/// the GPU package's CUDA provider failed to load a library (named from ORT's log), with the CUDA and cuDNN versions the
/// runtime needs. Shared by Fit (<see cref="OnnxModelApplier"/>) and <see cref="MlNetDeep.DeepLearningModel"/>.
/// </summary>
internal static class GpuDiagnosis
{
    /// <summary>Appended when scoring goes on on the CPU.</summary>
    public const string FallingBack = " Falling back to the CPU.";

    /// <summary>Appended when FallbackToCpu is false.</summary>
    public const string NoFallback = " FallbackToCpu is false, so this is an error; set FallbackToCpu = true to score on the CPU instead.";

    /// <summary>Whether an exception chain is a failure to use the CUDA provider (rather than a problem of the model).</summary>
    public static bool IsGpuFailure(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is EntryPointNotFoundException && ex.Message.Contains("ExecutionProvider", StringComparison.Ordinal)) return true;
            if (ex is OnnxRuntimeException && (ex.Message.Contains("cuda", StringComparison.OrdinalIgnoreCase)
                || ex.Message.Contains("cudnn", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("ExecutionProvider", StringComparison.Ordinal)))
                return true;
        }
        return false;
    }

    /// <summary>What the CUDA provider of the application's ONNX Runtime needs.</summary>
    public static string Requirement()
    {
        string version = OnnxRuntimeNative.Version;
        return version.StartsWith("1.32.", StringComparison.Ordinal)
            ? $"ONNX Runtime {version} on the GPU needs {OnnxRuntimeNative.CudaRequirement}"
            : $"MlNetDeep is built for ONNX Runtime {OnnxRuntimeNative.PinnedVersion}, whose GPU package needs {OnnxRuntimeNative.CudaRequirement}; " +
              $"the application has ONNX Runtime {version}, whose release notes name the CUDA and cuDNN it needs";
    }

    /// <summary>
    /// The cause, without what happens next. <paramref name="failure"/> is the exception of the GPU attempt (null when the
    /// CPU package was recognised before trying), <paramref name="logPosition"/> ORT's log position before the attempt.
    /// </summary>
    public static string Cause(int device, Exception? failure, long logPosition)
    {
        if (OnnxRuntimeNative.Kind == NativeRuntimeKind.Cpu)
            return $"GPU device {device} cannot be used: the application references the CPU package Microsoft.ML.OnnxRuntime " +
                $"(ONNX Runtime {OnnxRuntimeNative.Version}, providers: {string.Join(", ", OnnxRuntimeNative.Providers)}), which has no CUDA provider. " +
                $"Reference Microsoft.ML.OnnxRuntime.Gpu {OnnxRuntimeNative.PinnedVersion} instead of Microsoft.ML.OnnxRuntime; {Requirement()}.";
        string? library = OnnxRuntimeNative.ProviderLoadError(logPosition);
        string detail = library is not null
            ? $"the CUDA provider of Microsoft.ML.OnnxRuntime.Gpu could not load a library: {library}"
            : $"the CUDA provider of Microsoft.ML.OnnxRuntime.Gpu failed: {Innermost(failure)?.Message.Split('\n')[0].Trim()}";
        return $"GPU device {device} cannot be used: {detail}. {Requirement()}.";
    }

    /// <summary>
    /// Before training, when FallbackToCpu is false: throws the cause if GPU <paramref name="device"/> cannot be used, so
    /// that a long training does not end in the error. It appends the CUDA provider to session options as ML.NET does; a
    /// GPU that passes this may still fail when the session is created, which <see cref="OnnxModelApplier"/> reports.
    /// </summary>
    public static void ThrowIfUnusable(int device)
    {
        if (OnnxRuntimeNative.Kind == NativeRuntimeKind.Cpu) throw new InvalidOperationException(Cause(device, null, 0) + NoFallback);
        if (OnnxRuntimeNative.Kind != NativeRuntimeKind.Gpu) return;
        long logPosition = OnnxRuntimeNative.LogPosition;
        try
        {
            using var options = new SessionOptions();
            options.AppendExecutionProvider_CUDA(device);
        }
        catch (Exception ex) when (IsGpuFailure(ex))
        {
            throw new InvalidOperationException(Cause(device, ex, logPosition) + NoFallback, ex);
        }
    }

    private static Exception? Innermost(Exception? ex)
    {
        while (ex?.InnerException is not null) ex = ex.InnerException;
        return ex;
    }
}
