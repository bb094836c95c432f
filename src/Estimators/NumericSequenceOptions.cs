namespace MlNetDeep;

/// <summary>Options of the recurrent trainers over numeric sequences given as a known-size vector of T·F values.</summary>
public abstract class NumericSequenceOptions : RecurrentOptions
{
    /// <summary>Known-size vector of Single holding T steps of F values, step after step. <value>Default "Features".</value></summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>F, values per time step (the vector's size must be a multiple). <value>Default 1.</value></summary>
    public int FeaturesPerStep { get; set; } = 1;

    /// <summary>
    /// Regression only: make each window relative to its last step and learn the change to the next value rather than
    /// its level (the first value of each step is the forecast series). Series with a trend leave the range seen in
    /// training; changes do not. Applied inside the ONNX graph too. <value>Default true.</value>
    /// </summary>
    public bool ForecastChanges { get; set; } = true;

    internal override void Check()
    {
        base.Check();
        CheckName(FeatureColumnName, nameof(FeatureColumnName));
        if (FeaturesPerStep < 1) throw new ArgumentOutOfRangeException(nameof(FeaturesPerStep), FeaturesPerStep, "FeaturesPerStep must be at least 1.");
    }
}
