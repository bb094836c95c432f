using Microsoft.ML.Data;

namespace MlNetDeep.Trainers;

/// <summary>What a supervised network learns: K classes from a key column, or one value from a Single column.</summary>
internal enum TargetKind
{
    /// <summary>Label is a key (1..K; 0 = missing); the loss is softmax cross-entropy.</summary>
    Classification,

    /// <summary>Label is Single; the loss is mean squared error on the standardised label.</summary>
    Regression,
}
