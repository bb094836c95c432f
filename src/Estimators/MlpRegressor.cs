using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// Regressor: a multilayer perceptron trained by MlNetDeep's engine on the standardised label (mean squared error),
/// exported to ONNX and scored by ONNX Runtime inside ML.NET.
/// </summary>
/// <remarks>
/// | | |
/// |---|---|
/// | Machine learning task | Regression |
/// | Input | Features: known-size vector of Single; Label: Single |
/// | Output | Score: Single |
/// | Exportable to ONNX | Yes (the model is ONNX; see <see cref="LastTrainingReport"/>) |
///
/// Features and label are standardised with statistics learned in Fit; the graph undoes the label's scaling, so
/// Score is in the label's units. Rows with a NaN label are skipped.
/// </remarks>
public sealed class MlpRegressor : IEstimator<TransformerChain<ITransformer>>
{
    private readonly MLContext _ml;
    private readonly Options _options;

    /// <summary>Options of <see cref="MlpRegressor"/>.</summary>
    public sealed class Options : MlpOptions
    {
    }

    internal MlpRegressor(MLContext ml, Options options)
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
        if (_options.ValidationSet is { } validation && Columns(validation.Schema, nameof(Options.ValidationSet)) != columns)
            throw new ArgumentOutOfRangeException(nameof(Options.ValidationSet),
                $"ValidationSet's '{_options.FeatureColumnName}' must have {columns.FeatureCount} values like the training data's.");

        var fit = new MlpFit(_ml, _options, "MlNetDeep.MlpRegressor");
        var (result, scan) = fit.Train(input, columns);
        byte[] onnx = SupervisedGraph.Regressor(result.Network, columns.FeatureCount, new Standardization(scan.FeatureMean, scan.FeatureStd),
            scan.LabelMean, scan.LabelStd, Names, fit.ExportOptions("regression", result));
        var model = ScoringChain.Fit(ScoringChain.Regressor(_ml, onnx, _options.FeatureColumnName, _options.ScoreColumnName, fit.Scoring, fit.Warn), input);
        LastTrainingReport = new TrainingReport(onnx, result.History, result.BestEpoch);
        return model;
    }

    /// <summary>The schema after scoring: adds Score (Single).</summary>
    /// <param name="inputSchema">Schema of the data to score.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.Features(inputSchema, _options.FeatureColumnName);
        SchemaChecks.RegressionLabel(inputSchema, _options.LabelColumnName);
        var fit = new MlpFit(_ml, _options, "MlNetDeep.MlpRegressor");
        byte[] stub = SupervisedGraph.Regressor(MlpFit.Stub(1, 1), 1, new Standardization([0f], [1f]), 0f, 1f, Names, fit.ExportOptions("regression", null));
        return ScoringChain.OutputSchema(stub, source =>
            ScoringChain.Regressor(_ml, source, _options.FeatureColumnName, _options.ScoreColumnName, new OnnxScoringOptions(), null), inputSchema);
    }

    private SupervisedGraphNames Names => new(_options.FeatureColumnName, TemporaryColumns.ScoreVector);

    private SupervisedColumns Columns(DataViewSchema schema, string paramName)
    {
        SchemaChecks.RegressionLabel(schema, _options.LabelColumnName, paramName);
        return new(_options.FeatureColumnName, SchemaChecks.FeatureCount(schema, _options.FeatureColumnName, paramName),
            _options.LabelColumnName, TargetKind.Regression, 1);
    }
}
