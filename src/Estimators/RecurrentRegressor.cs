using Microsoft.ML;
using Microsoft.ML.Data;

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
/// | Exportable to ONNX | Yes (the model is ONNX; see <see cref="NetworkEstimator.LastTrainingReport"/>) |
///
/// Window values and the label are standardised with statistics learned in Fit, inside the graph. Build windows from
/// a series with <see cref="SeriesWindows"/>. A window of another length fails at scoring with the expected shape.
/// </remarks>
public sealed class RecurrentRegressor : NetworkEstimator
{
    /// <summary>Options of <see cref="RecurrentRegressor"/>.</summary>
    public sealed class Options : NumericSequenceOptions
    {
    }

    internal RecurrentRegressor(MLContext ml, Options options)
        : base(ml, options, () => new NumericSequenceTask(options), "MlNetDeep.RecurrentRegressor", null)
    {
    }
}
