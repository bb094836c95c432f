using Microsoft.ML;

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
/// a series with <see cref="SeriesWindows"/>.
///
/// Windows have the fixed length seen in Fit (T·F values) and are never padded or truncated: a vector of another
/// size, longer or shorter, is rejected by ML.NET's OnnxTransformer as soon as it meets the schema (in Transform, and
/// when a PredictionEngine is created) with an <see cref="InvalidOperationException"/> giving the expected shape:
/// "Input shape mismatch: Input 'Features' has shape 1,24, but input data is of length 36." Score a column of the same
/// known-size vector type as in training: Fit rejects a variable-size vector column, and at scoring ML.NET fails on
/// one with an unhelpful <see cref="ArgumentOutOfRangeException"/> ("Index was out of range").
/// </remarks>
public sealed class RecurrentRegressor : NetworkEstimator
{
    /// <summary>Options of <see cref="RecurrentRegressor"/>.</summary>
    public sealed class Options : NumericSequenceOptions
    {
        /// <summary>A regressor: no classes to smooth.</summary>
        private protected override bool PredictsClasses => false;
    }

    internal RecurrentRegressor(MLContext ml, Options options)
        : base(ml, options, o => new NumericSequenceTask((Options)o, ((Options)o).ForecastChanges), "MlNetDeep.RecurrentRegressor", null)
    {
    }
}
