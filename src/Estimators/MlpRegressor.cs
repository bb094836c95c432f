using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Trainers;

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
    private readonly SupervisedFitter _fitter;

    /// <summary>Options of <see cref="MlpRegressor"/>.</summary>
    public sealed class Options : MlpOptions
    {
    }

    internal MlpRegressor(MLContext ml, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check();
        _fitter = new SupervisedFitter(ml, options, new DenseMlpTask(options), "MlNetDeep.MlpRegressor");
    }

    /// <summary>The ONNX model and history of the last successful <see cref="Fit"/>, or null before it.</summary>
    public TrainingReport? LastTrainingReport { get; private set; }

    /// <summary>Trains on <paramref name="input"/> and returns the scoring model.</summary>
    /// <param name="input">Data with the feature and label columns.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    /// <exception cref="InvalidOperationException">The data is empty or holds NaN/∞ features.</exception>
    public TransformerChain<ITransformer> Fit(IDataView input)
    {
        var (model, report) = _fitter.Fit(input, TargetKind.Regression, null);
        LastTrainingReport = report;
        return model;
    }

    /// <summary>The schema after scoring: adds Score (Single).</summary>
    /// <param name="inputSchema">Schema of the data to score.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _fitter.GetOutputSchema(inputSchema, TargetKind.Regression, null);
}
