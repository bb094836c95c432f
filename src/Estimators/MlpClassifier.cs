using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;
using MlNetDeep.Transforms;

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
    private readonly MLContext _ml;
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
        _ml = ml;
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
        ArgumentNullException.ThrowIfNull(input);
        var columns = Columns(input.Schema, nameof(input));
        if (_options.ValidationSet is { } validation)
        {
            var validationColumns = Columns(validation.Schema, nameof(Options.ValidationSet));
            if (validationColumns != columns)
                throw new ArgumentOutOfRangeException(nameof(Options.ValidationSet),
                    $"ValidationSet columns ({validationColumns.FeatureCount} features, {validationColumns.ClassCount} classes) differ from the training data's ({columns.FeatureCount}, {columns.ClassCount}).");
        }
        var keyValues = KeyValueList.FromColumn(input.Schema[_options.LabelColumnName]);

        var fit = new MlpFit(_ml, _options, "MlNetDeep.MlpClassifier");
        var (result, scan) = fit.Train(input, columns);
        byte[] onnx = SupervisedGraph.Classifier(result.Network, columns.FeatureCount, columns.ClassCount,
            new Standardization(scan.FeatureMean, scan.FeatureStd), Names, fit.ExportOptions("classification", result));
        var model = ScoringChain.Fit(
            ScoringChain.Classifier(_ml, onnx, _options.FeatureColumnName, _options.ScoreColumnName, _options.PredictedLabelColumnName, keyValues, fit.Scoring, fit.Warn),
            input);
        LastTrainingReport = new TrainingReport(onnx, result.History, result.BestEpoch);
        return model;
    }

    /// <summary>The schema after scoring: adds Score (vector of Single) and PredictedLabel (key).</summary>
    /// <param name="inputSchema">Schema of the data to score.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.Features(inputSchema, _options.FeatureColumnName);
        var keyValueType = SchemaChecks.KeyLabel(inputSchema, _options.LabelColumnName);
        const int classes = 2; // a SchemaShape keeps no key count, and the output shape does not depend on it
        var fit = new MlpFit(_ml, _options, "MlNetDeep.MlpClassifier");
        byte[] stub = SupervisedGraph.Classifier(MlpFit.Stub(1, classes), 1, classes, new Standardization([0f], [1f]), Names, fit.ExportOptions("classification", null));
        return ScoringChain.OutputSchema(stub, source => ScoringChain.Classifier(_ml, source, _options.FeatureColumnName, _options.ScoreColumnName,
            _options.PredictedLabelColumnName, KeyValueList.Placeholder(classes, keyValueType), new OnnxScoringOptions(), null), inputSchema);
    }

    private SupervisedGraphNames Names => new(_options.FeatureColumnName, _options.ScoreColumnName, TemporaryColumns.PredictedIndexVector);

    private SupervisedColumns Columns(DataViewSchema schema, string paramName) => new(
        _options.FeatureColumnName, SchemaChecks.FeatureCount(schema, _options.FeatureColumnName, paramName),
        _options.LabelColumnName, TargetKind.Classification, SchemaChecks.ClassCount(schema, _options.LabelColumnName, paramName));
}
