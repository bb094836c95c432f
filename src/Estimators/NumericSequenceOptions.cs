namespace MlNetDeep;

/// <summary>Options of the recurrent trainers over numeric sequences given as a known-size vector of T·F values.</summary>
public abstract class NumericSequenceOptions : TrainerOptions
{
    /// <summary>Defaults of the options declared here; the training defaults are in <see cref="TrainerOptions.Defaults"/>.</summary>
    public new static class Defaults
    {
        /// <summary>One value per time step.</summary>
        public const int FeaturesPerStep = 1;

        /// <summary>Forecast the change from the window's last value.</summary>
        public const bool ForecastChanges = true;

        /// <summary>Global-norm gradient clipping at 5 (recurrent networks explode without it).</summary>
        public const float GradientClipNorm = 5f;
    }

    /// <summary>Sets the recurrent defaults that differ from other trainers (gradient clipping on).</summary>
    private protected NumericSequenceOptions() => GradientClipNorm = Defaults.GradientClipNorm;

    /// <summary>Known-size vector of Single holding T steps of F values, step after step. <value>Default "Features".</value></summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>F, values per time step (the vector's size must be a multiple). <value>Default 1.</value></summary>
    public int FeaturesPerStep { get; set; } = Defaults.FeaturesPerStep;

    /// <summary>
    /// Regression only: make each window relative to its last step and learn the change to the next value rather than
    /// its level (the first value of each step is the forecast series). Series with a trend leave the range seen in
    /// training; changes do not. Applied inside the ONNX graph too. <value>Default true.</value>
    /// </summary>
    public bool ForecastChanges { get; set; } = Defaults.ForecastChanges;

    /// <summary>The recurrent layers: cell, hidden size, layers, direction, dropout. <value>Defaults of <see cref="RecurrentArchitecture"/>.</value></summary>
    public RecurrentArchitecture Recurrent { get; set; } = new();

    /// <summary>
    /// A network of your own (<see cref="NetworkDefinition"/>: Conv1d, MaxPool1d, GlobalMaxPool1d, Lstm, Gru, Rnn, Dense, …) used
    /// instead of <see cref="Recurrent"/>. Its input is one row's window as a sequence (T, F): T = vector size / FeaturesPerStep
    /// steps of F = <see cref="FeaturesPerStep"/> values, standardised per slot as for the built-in network. It must end with one
    /// output per class (a regressor: one). Checked, and its summary logged, before any data is read. Null builds the
    /// built-in recurrent network. <value>Default null.</value>
    /// </summary>
    public NetworkDefinition? CustomNetwork { get; set; }

    private protected override void CopyArrays() => CustomNetwork = CustomNetwork?.Clone();

    internal override void Check()
    {
        base.Check();
        CheckName(FeatureColumnName, nameof(FeatureColumnName));
        if (FeaturesPerStep < 1) throw new ArgumentOutOfRangeException(nameof(FeaturesPerStep), FeaturesPerStep, "FeaturesPerStep must be at least 1.");
        CheckPart(nameof(Recurrent), Recurrent, r => r.Check());
    }
}
