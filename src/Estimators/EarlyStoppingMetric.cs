namespace MlNetDeep;

/// <summary>What early stopping of a sequence-to-sequence model watches on the validation set (and which epoch's weights are kept).</summary>
public enum EarlyStoppingMetric
{
    /// <summary>Validation loss (cross-entropy per target token, without label smoothing): lower is better.</summary>
    ValidationLoss,

    /// <summary>Validation token accuracy (teacher-forced arg-max against the reference token): higher is better.</summary>
    TokenAccuracy,
}
