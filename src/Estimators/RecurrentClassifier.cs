using Microsoft.ML;

namespace MlNetDeep;

/// <summary>
/// Sequence classifier over numeric sequences: an RNN, LSTM or GRU reads T steps of F values (a known-size vector)
/// and a linear layer maps its final state to class probabilities.
/// </summary>
/// <remarks>
/// | | |
/// |---|---|
/// | Machine learning task | Multiclass classification |
/// | Input | Features: known-size vector of Single (T·F values); Label: key |
/// | Output | Score: class probabilities; PredictedLabel: key with the label's key values |
/// | Exportable to ONNX | Yes |
///
/// Sequences have the fixed length seen in Fit (T·F values) and are never padded or truncated: a vector of another
/// size, longer or shorter, is rejected by ML.NET's OnnxTransformer as soon as it meets the schema (in Transform, and
/// when a PredictionEngine is created) with an <see cref="InvalidOperationException"/> giving the expected shape:
/// "Input shape mismatch: Input 'Features' has shape 1,20, but input data is of length 30." Score a column of the same
/// known-size vector type as in training: Fit rejects a variable-size vector column, and at scoring ML.NET fails on
/// one with an unhelpful <see cref="ArgumentOutOfRangeException"/> ("Index was out of range").
/// </remarks>
public sealed class RecurrentClassifier : NetworkEstimator
{
    /// <summary>Options of <see cref="RecurrentClassifier"/>.</summary>
    public sealed class Options : NumericSequenceOptions
    {
        /// <summary>Output key column. <value>Default "PredictedLabel".</value></summary>
        public string PredictedLabelColumnName { get; set; } = DefaultColumnNames.PredictedLabel;

        internal override void Check()
        {
            base.Check();
            CheckName(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
        }
    }

    internal RecurrentClassifier(MLContext ml, Options options)
        : base(ml, options, o => new NumericSequenceTask((Options)o, forecastChanges: false), "MlNetDeep.RecurrentClassifier", options?.PredictedLabelColumnName)
    {
    }
}
