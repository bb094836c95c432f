using Microsoft.ML;

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
/// | Exportable to ONNX | Yes (the model is ONNX; see <see cref="NetworkEstimator.LastTrainingReport"/>) |
///
/// Features (unless <see cref="MlpOptions.FeatureScaling"/> is <see cref="FeatureScaling.None"/>) and label are
/// standardised with statistics learned in Fit; the graph undoes the label's scaling, so Score is in the label's units.
/// Rows with a NaN label are skipped.
/// </remarks>
public sealed class MlpRegressor : NetworkEstimator
{
    /// <summary>Options of <see cref="MlpRegressor"/>.</summary>
    public sealed class Options : MlpOptions
    {
        /// <summary>A regressor: no classes to smooth.</summary>
        private protected override bool PredictsClasses => false;
    }

    internal MlpRegressor(MLContext ml, Options options)
        : base(ml, options, o => new DenseMlpTask((Options)o), "MlNetDeep.MlpRegressor", null)
    {
    }
}
