using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>
/// Multiclass classifier: a multilayer perceptron trained by MlNetDeep's engine, exported to ONNX and scored by
/// ONNX Runtime inside ML.NET.
/// </summary>
/// <remarks>
/// | | |
/// |---|---|
/// | Machine learning task | Multiclass classification |
/// | Input | Features: known-size vector of Single; Label: key (MapValueToKey) |
/// | Output | Score: vector of Single (class probabilities); PredictedLabel: key with the label's key values |
/// | Exportable to ONNX | Yes (the model is ONNX; see <see cref="LastTrainingReport"/>) |
///
/// Fit returns a chain of built-in ML.NET transformers, so the model saves and loads with mlContext.Model.Save/Load.
/// Features are standardised (mean/std learned in Fit) inside the graph; rows with a missing label (key 0) are skipped.
/// </remarks>
public sealed class MlpClassifier : IEstimator<TransformerChain<ITransformer>>
{
    private readonly SupervisedFitter _fitter;
    private readonly Options _options;

    /// <summary>Options of <see cref="MlpClassifier"/>.</summary>
    public sealed class Options : MlpOptions
    {
        /// <summary>Output key column. <value>Default "PredictedLabel".</value></summary>
        public string PredictedLabelColumnName { get; set; } = DefaultColumnNames.PredictedLabel;

        internal override void Check()
        {
            base.Check();
            CheckName(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
        }
    }

    internal MlpClassifier(MLContext ml, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check();
        _fitter = new SupervisedFitter(ml, options, new DenseMlpTask(options), "MlNetDeep.MlpClassifier");
        _options = options;
    }

    /// <summary>The ONNX model and history of the last successful <see cref="Fit"/>, or null before it.</summary>
    public TrainingReport? LastTrainingReport { get; private set; }

    /// <summary>Trains on <paramref name="input"/> and returns the scoring model.</summary>
    /// <param name="input">Data with the feature and label columns.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    /// <exception cref="InvalidOperationException">The data is empty or holds NaN/∞ features.</exception>
    public TransformerChain<ITransformer> Fit(IDataView input)
    {
        var (model, report) = _fitter.Fit(input, TargetKind.Classification, _options.PredictedLabelColumnName);
        LastTrainingReport = report;
        return model;
    }

    /// <summary>The schema after scoring: adds Score (vector of Single) and PredictedLabel (key).</summary>
    /// <param name="inputSchema">Schema of the data to score.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        _fitter.GetOutputSchema(inputSchema, TargetKind.Classification, _options.PredictedLabelColumnName);
}
