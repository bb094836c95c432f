using Microsoft.ML;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// Loads a saved model (<c>model.zip</c>) for scoring on a GPU, with a fallback to the CPU that says why. Plain
/// <c>mlContext.Model.Load</c> under an <see cref="MLContext"/> with <see cref="MLContext.GpuDeviceId"/> set fails with the
/// CPU package even when <see cref="MLContext.FallbackToCpu"/> is true (an <see cref="EntryPointNotFoundException"/> deep
/// inside a TargetInvocationException), and with the GPU package it falls back without a word; this loader behaves the
/// same with either package and reports the device it used.
/// </summary>
public static class DeepLearningModel
{
    /// <summary>
    /// Loads <paramref name="path"/> (any model.zip: MlNetDeep's scoring chains and ML.NET's own transformers) with its ONNX
    /// models on GPU <paramref name="gpuDeviceId"/>, or on the CPU when it is null.
    /// </summary>
    /// <param name="mlContext">The context to load in; its <see cref="MLContext.GpuDeviceId"/> and <see cref="MLContext.FallbackToCpu"/> are set for the
    /// duration of the call and then restored (do not load on the same context from two threads at once). A fallback is logged to its Log as a warning.</param>
    /// <param name="path">The model file.</param>
    /// <param name="gpuDeviceId">CUDA device, or null for the CPU. Needs the Microsoft.ML.OnnxRuntime.Gpu 1.32.0 package in the application, and CUDA 13
    /// and cuDNN 9 on the machine.</param>
    /// <param name="fallbackToCpu">When the GPU cannot be used: true loads the model on the CPU and says why in <paramref name="device"/>
    /// and the context's Log; false throws an <see cref="InvalidOperationException"/> that says why.</param>
    /// <param name="inputSchema">The schema the model was saved with, as <c>Model.Load</c> returns it.</param>
    /// <param name="device">Where the model scores, and why it fell back if it did.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="DllNotFoundException">The application has no ONNX Runtime native package; the message names the one to add.</exception>
    /// <exception cref="InvalidOperationException">The GPU cannot be used and <paramref name="fallbackToCpu"/> is false; the message names the cause.</exception>
    public static ITransformer Load(MLContext mlContext, string path, int? gpuDeviceId, bool fallbackToCpu,
        out DataViewSchema inputSchema, out ScoringDeviceReport device)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return LoadCore(mlContext, () => (mlContext.Model.Load(path, out var schema), schema), gpuDeviceId, fallbackToCpu, out inputSchema, out device);
    }

    /// <summary>Loads a model from a stream (read once, into memory); otherwise as <see cref="Load(MLContext, string, int?, bool, out DataViewSchema, out ScoringDeviceReport)"/>.</summary>
    /// <param name="mlContext">The context to load in (see the path overload).</param>
    /// <param name="stream">The model's bytes, read from the current position to the end.</param>
    /// <param name="gpuDeviceId">CUDA device, or null for the CPU.</param>
    /// <param name="fallbackToCpu">When the GPU cannot be used: load on the CPU and say why (true), or throw (false).</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    /// <param name="device">Where the model scores, and why it fell back if it did.</param>
    /// <returns>The loaded model.</returns>
    public static ITransformer Load(MLContext mlContext, Stream stream, int? gpuDeviceId, bool fallbackToCpu,
        out DataViewSchema inputSchema, out ScoringDeviceReport device)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        byte[] model = bytes.ToArray();
        return LoadCore(mlContext, () => (mlContext.Model.Load(new MemoryStream(model, writable: false), out var schema), schema),
            gpuDeviceId, fallbackToCpu, out inputSchema, out device);
    }

    /// <summary>
    /// Loads the chain <see cref="ScoringChain.Fit"/> has just saved: as <see cref="Load(MLContext, Stream, int?, bool, out DataViewSchema, out ScoringDeviceReport)"/>,
    /// but a fallback is not logged again (building the chain has already logged why).
    /// </summary>
    internal static ITransformer LoadFitted(MLContext ml, MemoryStream saved, int? gpuDeviceId, bool fallbackToCpu) =>
        LoadCore(ml, () => { saved.Position = 0; return (ml.Model.Load(saved, out var schema), schema); }, gpuDeviceId, fallbackToCpu, out _, out _, warn: false);

    private static ITransformer LoadCore(MLContext ml, Func<(ITransformer, DataViewSchema)> load, int? gpuDeviceId, bool fallbackToCpu,
        out DataViewSchema inputSchema, out ScoringDeviceReport device, bool warn = true)
    {
        if (gpuDeviceId is < 0) throw new ArgumentOutOfRangeException(nameof(gpuDeviceId), gpuDeviceId, "gpuDeviceId must be ≥ 0, or null for the CPU.");
        OnnxRuntimeNative.Require("Loading the model");
        ITransformer model;
        if (gpuDeviceId is not int requested)
        {
            (model, inputSchema) = LoadOn(ml, null, load);
            device = new ScoringDeviceReport(null, null, null);
            return model;
        }

        DataViewSchema? schema = null;
        model = GpuFallback.Open(ml, requested, fallbackToCpu, gpu =>
        {
            var (loaded, loadedSchema) = LoadOn(ml, gpu, load);
            schema = loadedSchema;
            return loaded;
        }, nameof(DeepLearningModel), "Load", warn, out device);
        inputSchema = schema!;
        return model;
    }

    private static (ITransformer, DataViewSchema) LoadOn(MLContext ml, int? gpuDeviceId, Func<(ITransformer, DataViewSchema)> load)
    {
        int? savedDevice = ml.GpuDeviceId;
        bool savedFallback = ml.FallbackToCpu;
        try
        {
            ml.GpuDeviceId = gpuDeviceId;
            ml.FallbackToCpu = false; // ML.NET's own fallback is silent (GPU package) or does not work (CPU package)
            return load();
        }
        finally
        {
            ml.GpuDeviceId = savedDevice;
            ml.FallbackToCpu = savedFallback;
        }
    }
}

/// <summary>Where a model loaded by <see cref="DeepLearningModel.Load(MLContext, string, int?, bool, out DataViewSchema, out ScoringDeviceReport)"/> scores.</summary>
public sealed class ScoringDeviceReport
{
    internal ScoringDeviceReport(int? requestedGpuDeviceId, int? gpuDeviceId, string? fallbackReason)
    {
        RequestedGpuDeviceId = requestedGpuDeviceId;
        GpuDeviceId = gpuDeviceId;
        FallbackReason = fallbackReason;
    }

    /// <summary>The GPU asked for, or null when the CPU was asked for.</summary>
    public int? RequestedGpuDeviceId { get; }

    /// <summary>The GPU the model's ONNX sessions run on, or null for the CPU.</summary>
    public int? GpuDeviceId { get; }

    /// <summary>True when a GPU was asked for and the model scores on the CPU instead.</summary>
    public bool FellBackToCpu => RequestedGpuDeviceId is not null && GpuDeviceId is null;

    /// <summary>Why the GPU could not be used (the missing package or library, and what the runtime needs), or null.</summary>
    public string? FallbackReason { get; }

    /// <inheritdoc/>
    public override string ToString() => GpuDeviceId is int gpu ? $"GPU {gpu}"
        : FellBackToCpu ? $"CPU (fell back from GPU {RequestedGpuDeviceId}: {FallbackReason})" : "CPU";
}
