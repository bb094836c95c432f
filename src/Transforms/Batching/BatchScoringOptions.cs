namespace MlNetDeep;

/// <summary>How a <see cref="BatchScorer"/> runs the ONNX stage of a model: rows per ONNX Runtime call, session settings and device.</summary>
public sealed class BatchScoringOptions
{
    /// <summary>Default values, in one place.</summary>
    public static class Defaults
    {
        /// <summary>
        /// 64 rows per ONNX Runtime call: measured on our saved models (docs/batch-scoring.md), the gain over one call per row
        /// flattens past about 64 rows, and the CNN and BiLSTM models ran faster at 64 than at 256 (the batch stays in cache).
        /// </summary>
        public const int BatchSize = 64;

        /// <summary>One intra-op thread, as ML.NET's ApplyOnnxModel: several jobs scoring at once then do not compete for cores.</summary>
        public const int IntraOpThreads = 1;

        /// <summary>All graph optimisations, as ML.NET's ApplyOnnxModel.</summary>
        public const OnnxOptimizationLevel GraphOptimizationLevel = OnnxOptimizationLevel.All;

        /// <summary>Score on the CPU when the GPU cannot be used.</summary>
        public const bool FallbackToCpu = true;
    }

    /// <summary>
    /// Rows sent to ONNX Runtime in one call (at most; the last batch holds the rest). Must be ≥ 1. Models whose ONNX
    /// stage cannot be batched exactly (see <see cref="BatchScorer.IsBatched"/>) are scored one row per call whatever this says.
    /// Memory held per cursor grows with it: one batch of input and output tensors and the batch's rows of the columns read.
    /// <value>Default 64.</value>
    /// </summary>
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>
    /// Threads ONNX Runtime may use inside one call (its intra-op thread pool); must be ≥ 1. More threads help large batches
    /// of a large model on an idle machine; on a busy machine or with several jobs scoring at once, 1 is usually fastest.
    /// <value>Default 1.</value>
    /// </summary>
    public int IntraOpThreads { get; set; } = Defaults.IntraOpThreads;

    /// <summary>Graph optimisations ONNX Runtime applies when the session is created; scores do not depend on it beyond float rounding. <value>Default All.</value></summary>
    public OnnxOptimizationLevel GraphOptimizationLevel { get; set; } = Defaults.GraphOptimizationLevel;

    /// <summary>
    /// CUDA device to score on, or null for the CPU. Needs the Microsoft.ML.OnnxRuntime.Gpu package in the application
    /// (CUDA 13, cuDNN 9 on the machine). Only the ONNX stage runs there; the stages before and after it are ML.NET's.
    /// <value>Default null.</value>
    /// </summary>
    public int? GpuDeviceId { get; set; }

    /// <summary>
    /// When the GPU cannot be used, score on the CPU and log a warning that names the cause (true), or throw an
    /// InvalidOperationException that names it (false), as in training and <see cref="DeepLearningModel.Load(Microsoft.ML.MLContext, string, int?, bool, out Microsoft.ML.DataViewSchema, out ScoringDeviceReport)"/>.
    /// <value>Default true.</value>
    /// </summary>
    public bool FallbackToCpu { get; set; } = Defaults.FallbackToCpu;

    /// <summary>Throws for a setting out of range, naming it.</summary>
    internal void Check()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be ≥ 1 (rows per ONNX Runtime call).");
        if (IntraOpThreads < 1) throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "IntraOpThreads must be ≥ 1.");
        if (!Enum.IsDefined(GraphOptimizationLevel))
            throw new ArgumentOutOfRangeException(nameof(GraphOptimizationLevel), GraphOptimizationLevel, "GraphOptimizationLevel must be Disabled, Basic, Extended or All.");
        if (GpuDeviceId is < 0) throw new ArgumentOutOfRangeException(nameof(GpuDeviceId), GpuDeviceId, "GpuDeviceId must be ≥ 0, or null for the CPU.");
    }

    /// <summary>A copy, so that changing the caller's object later changes nothing in the scorer.</summary>
    internal BatchScoringOptions Snapshot() => new()
    {
        BatchSize = BatchSize, IntraOpThreads = IntraOpThreads, GraphOptimizationLevel = GraphOptimizationLevel,
        GpuDeviceId = GpuDeviceId, FallbackToCpu = FallbackToCpu,
    };
}

/// <summary>Graph optimisations ONNX Runtime applies to a model when its session is created (ONNX Runtime's GraphOptimizationLevel).</summary>
public enum OnnxOptimizationLevel
{
    /// <summary>None.</summary>
    Disabled,

    /// <summary>Semantics-preserving rewrites such as constant folding and redundant node removal.</summary>
    Basic,

    /// <summary>Basic plus node fusions.</summary>
    Extended,

    /// <summary>Extended plus layout optimisations (ONNX Runtime's default, and ML.NET's).</summary>
    All,
}
