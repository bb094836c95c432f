using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>
/// Sequence regressor and forecaster: an RNN, LSTM or GRU reads a window of a numeric series (T steps of F values,
/// as a known-size vector) and predicts the next value. Trained by MlNetDeep's engine with backpropagation through
/// time, exported with ONNX's native recurrent operators, scored by ONNX Runtime inside ML.NET.
/// </summary>
/// <remarks>
/// | | |
/// |---|---|
/// | Machine learning task | Regression / forecasting |
/// | Input | Features: known-size vector of Single (T·F values, step after step); Label: Single |
/// | Output | Score: Single, in the label's units |
/// | Exportable to ONNX | Yes (the model is ONNX; see <see cref="LastTrainingReport"/>) |
///
/// Window values and the label are standardised with statistics learned in Fit, inside the graph. Build windows from
/// a series with <see cref="SeriesWindows"/>. A window of another length fails at scoring with the expected shape.
/// </remarks>
public sealed class RecurrentRegressor : IEstimator<TransformerChain<ITransformer>>
{
    private readonly SupervisedFitter _fitter;

    /// <summary>Options of <see cref="RecurrentRegressor"/>.</summary>
    public sealed class Options : NumericSequenceOptions
    {
    }

    internal RecurrentRegressor(MLContext ml, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check();
        _fitter = new SupervisedFitter(ml, options, new NumericSequenceTask(options), "MlNetDeep.RecurrentRegressor");
    }

    /// <summary>The ONNX model and history of the last successful <see cref="Fit"/>, or null before it.</summary>
    public TrainingReport? LastTrainingReport { get; private set; }

    /// <summary>Trains on <paramref name="input"/> and returns the scoring model.</summary>
    /// <param name="input">Data with the window and label columns.</param>
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
