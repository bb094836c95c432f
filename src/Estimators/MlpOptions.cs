using MlNetDeep.Engine.Layers;

namespace MlNetDeep;

/// <summary>Options of the multilayer-perceptron trainers: the feature column and the architecture.</summary>
public abstract class MlpOptions : TrainerOptions
{
    /// <summary>Only MlNetDeep's own options derive from this class.</summary>
    private protected MlpOptions()
    {
    }

    /// <summary>Defaults of the options declared here; the training defaults are in <see cref="TrainerOptions.Defaults"/>.</summary>
    public new static class Defaults
    {
        /// <summary>One hidden layer of 128 units.</summary>
        public static readonly int[] HiddenLayers = [128];

        /// <summary>ReLU.</summary>
        public const ActivationKind Activation = ActivationKind.Relu;

        /// <summary>0.01 (PyTorch's and ONNX's LeakyReLU slope).</summary>
        public const float LeakyReluAlpha = 0.01f;

        /// <summary>No dropout.</summary>
        public const float DropoutRate = 0f;

        /// <summary>No batch normalisation.</summary>
        public const bool BatchNorm = false;

        /// <summary>Features standardised per slot with statistics learned in Fit.</summary>
        public const FeatureScaling FeatureScaling = MlNetDeep.FeatureScaling.Standardize;
    }

    /// <summary>Known-size vector of Single (or a Single scalar). <value>Default "Features".</value></summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>Width of each hidden layer, input side first; empty gives a linear model. <value>Default [128].</value></summary>
    public int[] HiddenLayers { get; set; } = (int[])Defaults.HiddenLayers.Clone();

    private protected override void CopyArrays()
    {
        HiddenLayers = (int[])HiddenLayers?.Clone()!;
        CustomNetwork = CustomNetwork?.Clone();
    }

    /// <summary>
    /// A network of your own (<see cref="NetworkDefinition"/>: Dense, activations, Dropout, BatchNorm, …) for inputs (F), used
    /// instead of the built-in MLP (HiddenLayers, Activation, LeakyReluAlpha, DropoutRate and BatchNorm are then not used).
    /// It must end with one output per class (a regressor: one). Checked, and its summary logged, before any data is read.
    /// Null builds the built-in MLP. <value>Default null.</value>
    /// </summary>
    public NetworkDefinition? CustomNetwork { get; set; }

    /// <summary>Nonlinearity after each hidden layer. <value>Default Relu.</value></summary>
    public ActivationKind Activation { get; set; } = Defaults.Activation;

    /// <summary>LeakyReLU slope for negative inputs (≥ 0). <value>Default 0.01.</value></summary>
    public float LeakyReluAlpha { get; set; } = Defaults.LeakyReluAlpha;

    /// <summary>Dropout probability after each hidden layer, in [0, 1). <value>Default 0.</value></summary>
    public float DropoutRate { get; set; } = Defaults.DropoutRate;

    /// <summary>Batch normalisation between each hidden layer and its activation. <value>Default false.</value></summary>
    public bool BatchNorm { get; set; } = Defaults.BatchNorm;

    /// <summary>
    /// What the model does to the features before the network: <see cref="FeatureScaling.Standardize"/> (per slot, statistics
    /// learned in Fit, applied inside the ONNX graph) or <see cref="FeatureScaling.None"/> (raw features, e.g. FeaturizeText's
    /// already normalised vectors). The regressor standardises its label either way.
    /// <value>Default <see cref="FeatureScaling.Standardize"/>.</value>
    /// </summary>
    public FeatureScaling FeatureScaling { get; set; } = Defaults.FeatureScaling;

    internal override void Check()
    {
        base.Check();
        CheckName(FeatureColumnName, nameof(FeatureColumnName));
        if (HiddenLayers is null) throw new ArgumentNullException(nameof(HiddenLayers), "HiddenLayers must be an array of layer widths (empty for a linear model).");
        for (int i = 0; i < HiddenLayers.Length; i++)
            if (HiddenLayers[i] <= 0) throw new ArgumentOutOfRangeException(nameof(HiddenLayers), HiddenLayers[i], $"HiddenLayers[{i}] must be a positive width.");
        if (!Enum.IsDefined(Activation)) throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "Unknown activation.");
        if (!(float.IsFinite(LeakyReluAlpha) && LeakyReluAlpha >= 0)) throw new ArgumentOutOfRangeException(nameof(LeakyReluAlpha), LeakyReluAlpha, "LeakyReluAlpha must be finite and ≥ 0.");
        if (!Enum.IsDefined(FeatureScaling))
            throw new ArgumentOutOfRangeException(nameof(FeatureScaling), FeatureScaling, "FeatureScaling must be FeatureScaling.Standardize or FeatureScaling.None.");
        if (!(DropoutRate >= 0 && DropoutRate < 1)) throw new ArgumentOutOfRangeException(nameof(DropoutRate), DropoutRate, "DropoutRate must lie in [0, 1).");
    }
}
