using MlNetDeep.Engine.Layers;

namespace Microsoft.ML;

/// <summary>Entry point: <c>mlContext.DeepLearning()</c>.</summary>
public static class DeepLearningCatalogExtensions
{
    /// <summary>MlNetDeep's trainers: networks trained in C#, exported to ONNX, scored by ONNX Runtime.</summary>
    /// <param name="mlContext">The context whose log, seed and transforms the trainers use.</param>
    public static DeepLearningCatalog DeepLearning(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new DeepLearningCatalog(mlContext);
    }
}
