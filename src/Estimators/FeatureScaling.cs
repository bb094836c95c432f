namespace MlNetDeep;

/// <summary>What a multilayer perceptron does to its features before the network (<see cref="MlpOptions.FeatureScaling"/>).</summary>
public enum FeatureScaling
{
    /// <summary>
    /// Each feature slot is standardised, (x − mean) / std, with the mean and standard deviation learned in Fit; the
    /// standardisation is part of the model (Sub and Div nodes in its ONNX graph), so the model takes raw features.
    /// Suits dense features in arbitrary units.
    /// </summary>
    Standardize,

    /// <summary>
    /// Features go to the network as they are, in training and in the graph. Suits features that are already scaled,
    /// such as the normalised bag-of-words vectors of FeaturizeText (sparse, values ≤ 1), which standardisation would
    /// blow up (a rare word's slot becomes ~ √rows), or the output of an ML.NET normaliser earlier in the pipeline.
    /// </summary>
    None,
}
