using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Trainers;

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
public sealed class RecurrentClassifier : IEstimator<TransformerChain<ITransformer>>
{
    private readonly SupervisedFitter _fitter;
    private readonly Options _options;

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
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check();
        _options = options;
        _fitter = new SupervisedFitter(ml, options, new NumericSequenceTask(options), "MlNetDeep.RecurrentClassifier");
    }

    /// <summary>The ONNX model and history of the last successful <see cref="Fit"/>, or null before it.</summary>
    public TrainingReport? LastTrainingReport { get; private set; }

    /// <summary>Trains on <paramref name="input"/> and returns the scoring model.</summary>
    /// <param name="input">Data with the sequence and label columns.</param>
    public TransformerChain<ITransformer> Fit(IDataView input)
    {
        var (model, report) = _fitter.Fit(input, TargetKind.Classification, _options.PredictedLabelColumnName);
        LastTrainingReport = report;
        return model;
    }

    /// <summary>The schema after scoring: adds Score and PredictedLabel.</summary>
    /// <param name="inputSchema">Schema of the data to score.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        _fitter.GetOutputSchema(inputSchema, TargetKind.Classification, _options.PredictedLabelColumnName);
}
