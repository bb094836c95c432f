using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Trainers;

/// <summary>How the training loop runs (validated by the estimators before any work starts).</summary>
internal sealed class TrainingSettings
{
    /// <summary>Passes over the training data.</summary>
    public required int NumberOfEpochs { get; init; }

    /// <summary>Rows per mini-batch.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Rows held in the shuffle pool; a pool at least as large as the data gives a full shuffle each epoch.</summary>
    public int ShufflePoolSize { get; init; } = 10_000;

    /// <summary>Seed of shuffling (and, through the caller, of weights and dropout).</summary>
    public required int Seed { get; init; }

    /// <summary>Creates the optimiser over the network's parameters.</summary>
    public required Func<IEnumerable<Engine.Tensor>, Optimizer> CreateOptimizer { get; init; }

    /// <summary>How the learning rate changes during training (null: the optimiser's rate throughout).</summary>
    public LearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>Random changes to each training image (image inputs with a known (C, H, W) only; null: none).</summary>
    public ImageAugmentation? Augmentation { get; init; }

    /// <summary>Label smoothing ε of the classification training loss, in [0, 1) (validation loss is never smoothed).</summary>
    public float LabelSmoothing { get; init; }

    /// <summary>Clip gradients to this global L2 norm before each step (null: no clipping).</summary>
    public float? GradientClipNorm { get; init; }

    /// <summary>Clamp every gradient element to ±this value before each step (null: no clamping); applied before norm clipping.</summary>
    public float? GradientClipValue { get; init; }

    /// <summary>Stop after this many epochs without a lower validation loss and keep the best epoch (needs validation data).</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Folder that receives checkpoints (null: none).</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>Write a checkpoint every this many epochs (and at each best epoch, the last and the early-stopping one).</summary>
    public int CheckpointEveryEpochs { get; init; } = 1;

    /// <summary>Folder whose newest checkpoint the run continues from (null: start at epoch 1).</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Receives one report per epoch.</summary>
    public IProgress<EpochReport>? Progress { get; init; }

    /// <summary>Receives human-readable log lines (the estimators forward them to MLContext.Log).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Checked before every mini-batch; cancellation throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }
}
