using Microsoft.ML;
using Microsoft.ML.Data;

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
        : base(ml, options, () => new NumericSequenceTask(options), "MlNetDeep.RecurrentClassifier", options?.PredictedLabelColumnName)
    {
    }
}
