using Microsoft.ML;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Optimizers;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>Options every MlNetDeep trainer shares: columns, the training loop, validation, progress and scoring. Every option is checked before any work starts.</summary>
public abstract class TrainerOptions
{
    /// <summary>Only MlNetDeep's own options derive from this class.</summary>
    private protected TrainerOptions()
    {
    }

    /// <summary>Default values, in one place.</summary>
    public static class Defaults
    {
        /// <summary>20 epochs.</summary>
        public const int NumberOfEpochs = 20;

        /// <summary>32 rows per mini-batch.</summary>
        public const int BatchSize = 32;

        /// <summary>1e-3 (Adam's usual step).</summary>
        public const float LearningRate = 1e-3f;

        /// <summary>Adam.</summary>
        public const OptimizerKind Optimizer = OptimizerKind.Adam;

        /// <summary>0.9 (used by SGD only).</summary>
        public const float Momentum = 0.9f;

        /// <summary>5 epochs without a lower validation loss.</summary>
        public const int EarlyStoppingPatience = 5;

        /// <summary>10,000 rows held for shuffling.</summary>
        public const int ShufflePoolSize = 10_000;

        /// <summary>Score on the CPU when the GPU cannot be used.</summary>
        public const bool FallbackToCpu = true;
    }

    /// <summary>Label column. <value>Default "Label".</value></summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>Output score column. <value>Default "Score".</value></summary>
    public string ScoreColumnName { get; set; } = DefaultColumnNames.Score;

    /// <summary>Passes over the training data (≥ 1). <value>Default 20.</value></summary>
    public int NumberOfEpochs { get; set; } = Defaults.NumberOfEpochs;

    /// <summary>Rows per mini-batch (≥ 1). <value>Default 32.</value></summary>
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>Optimiser step size (&gt; 0). <value>Default 1e-3.</value></summary>
    public float LearningRate { get; set; } = Defaults.LearningRate;

    /// <summary>Optimisation algorithm. <value>Default Adam.</value></summary>
    public OptimizerKind Optimizer { get; set; } = Defaults.Optimizer;

    /// <summary>SGD momentum in [0, 1). <value>Default 0.9.</value></summary>
    public float Momentum { get; set; } = Defaults.Momentum;

    /// <summary>
    /// How the learning rate changes during training, relative to <see cref="LearningRate"/>: see the factory methods of
    /// <see cref="MlNetDeep.LearningRateSchedule"/> (step, exponential, cosine with warm-up, one-cycle, reduce on plateau);
    /// null keeps it constant. The rate used is in each <see cref="EpochReport"/>. <value>Default null.</value>
    /// </summary>
    public LearningRateSchedule? LearningRateSchedule { get; set; }

    /// <summary>
    /// Decoupled weight decay λ ≥ 0 (Adam becomes AdamW): each step first shrinks every parameter by 1 − lr·λ, as PyTorch's
    /// AdamW (whose default is 0.01); with SGD the same shrink; 0 turns it off. <value>Default 0.</value>
    /// </summary>
    public float WeightDecay { get; set; }

    /// <summary>
    /// Label smoothing ε in [0, 1) of the training loss of classifiers: the target is (1 − ε)·one-hot + ε / classes (as
    /// PyTorch's CrossEntropyLoss(label_smoothing)); validation loss is never smoothed. Regressors accept only 0.
    /// <value>Default 0.</value>
    /// </summary>
    public float LabelSmoothing { get; set; }

    /// <summary>Clip gradients to this global L2 norm (&gt; 0), or null for no clipping. <value>Default null (5 for RecurrentClassifier, RecurrentRegressor, TextClassifier and EncoderDecoder).</value></summary>
    public float? GradientClipNorm { get; set; }

    /// <summary>Clamp every gradient element to ±this value (&gt; 0) before each step, or null. <value>Default null.</value></summary>
    public float? GradientClipValue { get; set; }

    /// <summary>Seed of weights, dropout and shuffling; null derives it from the MLContext's seed. <value>Default null.</value></summary>
    public int? Seed { get; set; }

    /// <summary>Data scored after every epoch; enables early stopping. Same columns as the training data. <value>Default null.</value></summary>
    public IDataView? ValidationSet { get; set; }

    /// <summary>
    /// With a validation set: stop after this many epochs without a lower validation loss and keep the best epoch's
    /// weights (≥ 1); null trains every epoch and keeps the last. <value>Default 5.</value>
    /// </summary>
    public int? EarlyStoppingPatience { get; set; } = Defaults.EarlyStoppingPatience;

    /// <summary>Rows held in memory for shuffling (≥ 1); the data is streamed, never loaded whole. <value>Default 10,000.</value></summary>
    public int ShufflePoolSize { get; set; } = Defaults.ShufflePoolSize;

    /// <summary>
    /// Folder that receives checkpoints (created when missing; it must hold no checkpoint of another training): after every
    /// <see cref="CheckpointEveryEpochs"/> epochs, each new best validation value, and the last epoch, one file
    /// epoch-NNNN.mlnetdeep-checkpoint with the weights, optimiser state, random generator states, schedule and history,
    /// written atomically; the two newest and the best epoch's are kept; null writes none. <value>Default null.</value>
    /// </summary>
    public string? CheckpointFolder { get; set; }

    /// <summary>Epochs between two checkpoints (≥ 1). <value>Default 1.</value></summary>
    public int CheckpointEveryEpochs { get; set; } = 1;

    /// <summary>
    /// Folder whose newest checkpoint <c>Fit</c> continues from, after a cancellation or a killed process: the run then ends
    /// with the same model, to the byte, as one that never stopped. Set it to <see cref="CheckpointFolder"/> to continue
    /// whatever is there (a missing or empty folder then starts at epoch 1); another folder must exist and hold a checkpoint.
    /// The checkpoint must come from the same network, data size and training options (NumberOfEpochs may grow, except under
    /// a cosine or one-cycle schedule); Fit names any difference before training. <value>Default null.</value>
    /// </summary>
    public string? ResumeFrom { get; set; }

    /// <summary>Receives a report after every epoch (also written to MLContext.Log). <value>Default null.</value></summary>
    public IProgress<EpochReport>? Progress { get; set; }

    /// <summary>Cancels training between mini-batches with an <see cref="OperationCanceledException"/>. <value>Default none.</value></summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>
    /// CUDA device for scoring, or null for the CPU. Needs the Microsoft.ML.OnnxRuntime.Gpu 1.32.0 package in the application
    /// (instead of Microsoft.ML.OnnxRuntime) and CUDA 13 and cuDNN 9 on the machine. Not saved with the model: load it for
    /// the GPU with DeepLearningModel.Load, which honours FallbackToCpu with either package and reports the device used.
    /// <value>Default null.</value>
    /// </summary>
    public int? GpuDeviceId { get; set; }

    /// <summary>
    /// When the GPU cannot be used, score on the CPU and log a warning that names the cause (true), or throw an
    /// InvalidOperationException that names it (false). <value>Default true.</value>
    /// </summary>
    public bool FallbackToCpu { get; set; } = Defaults.FallbackToCpu;

    /// <summary>
    /// The copy a trainer keeps when it is created (arrays copied too), so that changing the caller's object later neither
    /// bypasses <see cref="Check"/> nor changes the trainer.
    /// </summary>
    internal TrainerOptions Snapshot()
    {
        var copy = (TrainerOptions)MemberwiseClone();
        copy.CopyArrays();
        return copy;
    }

    /// <summary>Replaces the snapshot's array-valued options by copies; nothing to copy by default.</summary>
    private protected virtual void CopyArrays()
    {
    }

    /// <summary>The training loop's settings from these options.</summary>
    /// <param name="seed">Seed of the run (the options' or one drawn from the MLContext).</param>
    /// <param name="validating">Whether a validation set is scored (early stopping needs one).</param>
    /// <param name="log">Receives the loop's log lines.</param>
    internal TrainingSettings TrainingSettings(int seed, bool validating, Action<string> log) => new()
    {
        NumberOfEpochs = NumberOfEpochs,
        BatchSize = BatchSize,
        ShufflePoolSize = ShufflePoolSize,
        Seed = seed,
        CreateOptimizer = CreateOptimizer,
        LearningRateSchedule = LearningRateSchedule,
        LabelSmoothing = LabelSmoothing,
        Augmentation = TrainingAugmentation,
        GradientClipNorm = GradientClipNorm,
        GradientClipValue = GradientClipValue,
        EarlyStoppingPatience = validating ? EarlyStoppingPatience : null,
        CheckpointFolder = CheckpointFolder,
        CheckpointEveryEpochs = CheckpointEveryEpochs,
        ResumeFrom = ResumeFrom,
        Progress = Progress,
        Log = log,
        CancellationToken = CancellationToken,
    };

    private Optimizer CreateOptimizer(IEnumerable<Tensor> parameters)
    {
        Optimizer optimizer = Optimizer switch
        {
            OptimizerKind.Sgd => new Sgd(parameters, LearningRate, Momentum),
            _ => new Adam(parameters, LearningRate),
        };
        optimizer.WeightDecay = WeightDecay;
        return optimizer;
    }

    /// <summary>The image augmentation of the image trainer; null for every other.</summary>
    private protected virtual ImageAugmentation? TrainingAugmentation => null;

    /// <summary>Whether the trainer predicts classes (label smoothing applies); regressors override it.</summary>
    private protected virtual bool PredictsClasses => true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentNullException"/> naming the first invalid option.</summary>
    internal virtual void Check()
    {
        CheckName(LabelColumnName, nameof(LabelColumnName));
        CheckName(ScoreColumnName, nameof(ScoreColumnName));
        if (NumberOfEpochs < 1) throw new ArgumentOutOfRangeException(nameof(NumberOfEpochs), NumberOfEpochs, "NumberOfEpochs must be at least 1.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (!(float.IsFinite(LearningRate) && LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be a positive finite number.");
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimizer.");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Momentum must lie in [0, 1).");
        if (LearningRateSchedule is { } schedule)
        {
            schedule.Check(nameof(LearningRateSchedule), LearningRate, NumberOfEpochs);
            if (schedule.NeedsValidation && ValidationSet is null)
                throw new ArgumentOutOfRangeException(nameof(LearningRateSchedule), schedule.ToString(), $"{nameof(LearningRateSchedule)}: reduce on plateau watches the validation loss after each epoch; set {nameof(ValidationSet)}.");
        }
        if (!(float.IsFinite(WeightDecay) && WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "WeightDecay must be a finite number ≥ 0.");
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1)) throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "LabelSmoothing must lie in [0, 1).");
        if (LabelSmoothing != 0 && !PredictsClasses) throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "LabelSmoothing applies to classifiers; a regressor takes only 0.");
        if (GradientClipNorm is float clip && !(float.IsFinite(clip) && clip > 0)) throw new ArgumentOutOfRangeException(nameof(GradientClipNorm), clip, "GradientClipNorm must be positive, or null for no clipping.");
        if (GradientClipValue is float clipValue && !(float.IsFinite(clipValue) && clipValue > 0)) throw new ArgumentOutOfRangeException(nameof(GradientClipValue), clipValue, "GradientClipValue must be positive, or null for no clamping.");
        if (EarlyStoppingPatience is int patience && patience < 1) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), patience, "EarlyStoppingPatience must be at least 1, or null to disable early stopping.");
        if (CheckpointFolder is not null && string.IsNullOrWhiteSpace(CheckpointFolder))
            throw new ArgumentOutOfRangeException(nameof(CheckpointFolder), CheckpointFolder, "CheckpointFolder must name a folder, or be null for no checkpoints.");
        if (CheckpointEveryEpochs < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointEveryEpochs), CheckpointEveryEpochs, "CheckpointEveryEpochs must be at least 1.");
        if (ResumeFrom is not null && !Directory.Exists(ResumeFrom) && !CheckpointSession.SameFolder(ResumeFrom, CheckpointFolder))
            throw new ArgumentOutOfRangeException(nameof(ResumeFrom), ResumeFrom, $"ResumeFrom: folder '{ResumeFrom}' does not exist.");
        if (ShufflePoolSize < 1) throw new ArgumentOutOfRangeException(nameof(ShufflePoolSize), ShufflePoolSize, "ShufflePoolSize must be at least 1.");
        if (GpuDeviceId is int device && device < 0) throw new ArgumentOutOfRangeException(nameof(GpuDeviceId), device, "GpuDeviceId must be ≥ 0, or null for the CPU.");
    }

    /// <summary>Checks a settings record held by option <paramref name="option"/>; its errors name that option too.</summary>
    private protected static void CheckPart<T>(string option, T? part, Action<T> check) where T : class
    {
        if (part is null) throw new ArgumentNullException(option, $"{option} must not be null (leave it unset for the defaults).");
        try { check(part); }
        catch (ArgumentException ex)
        {
            throw OptionError.Restate(option, ex);
        }
    }

    private protected static void CheckName(string? name, string option)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentOutOfRangeException(option, name, $"{option} must name a column.");
    }
}
