namespace MlNetDeep.Transforms;

/// <summary>Where ONNX Runtime scores the model.</summary>
internal sealed class OnnxScoringOptions
{
    /// <summary>
    /// CUDA device to score on, or null for the CPU. Needs the Microsoft.ML.OnnxRuntime.Gpu package (CUDA 13, cuDNN 9)
    /// in the application. Not saved with the model: <see cref="MlNetDeep.DeepLearningModel"/> loads a model.zip for a GPU.
    /// </summary>
    public int? GpuDeviceId { get; init; }

    /// <summary>When the GPU cannot be used, score on the CPU and log why (true), or throw why (false); see <see cref="GpuDiagnosis"/>.</summary>
    public bool FallbackToCpu { get; init; } = true;
}
