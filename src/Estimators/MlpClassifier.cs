using Microsoft.ML;

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
/// | Exportable to ONNX | Yes (the model is ONNX; see <see cref="NetworkEstimator.LastTrainingReport"/>) |
///
/// Fit returns a chain of built-in ML.NET transformers, so the model saves and loads with mlContext.Model.Save/Load.
/// Features are standardised (mean/std learned in Fit) inside the graph, unless <see cref="MlpOptions.FeatureScaling"/> is
/// <see cref="FeatureScaling.None"/>; rows with a missing label (key 0) are skipped.
/// </remarks>
public sealed class MlpClassifier : NetworkEstimator
{
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
        : base(ml, options, o => new DenseMlpTask((Options)o), "MlNetDeep.MlpClassifier", options?.PredictedLabelColumnName)
    {
    }
}
