using MlNetDeep.Engine;

namespace MlNetDeep;

/// <summary>Options of the recurrent trainers: the recurrent architecture (training options are inherited).</summary>
public abstract class RecurrentOptions : TrainerOptions
{
    /// <summary>Architecture defaults, in one place.</summary>
    public static class ArchitectureDefaults
    {
        /// <summary>LSTM.</summary>
        public const RecurrentCellKind Cell = RecurrentCellKind.Lstm;

        /// <summary>64 hidden units per direction.</summary>
        public const int HiddenSize = 64;

        /// <summary>One layer.</summary>
        public const int NumberOfLayers = 1;

        /// <summary>Global-norm gradient clipping at 5 (recurrent nets explode without it).</summary>
        public const float GradientClipNorm = 5f;
    }

    /// <summary>Sets the recurrent defaults that differ from other trainers (gradient clipping on).</summary>
    protected RecurrentOptions() => GradientClipNorm = ArchitectureDefaults.GradientClipNorm;

    /// <summary>Cell: Rnn (tanh), Lstm or Gru (linear-before-reset form). <value>Default Lstm.</value></summary>
    public RecurrentCellKind Cell { get; set; } = ArchitectureDefaults.Cell;

    /// <summary>Hidden units per direction (≥ 1). <value>Default 64.</value></summary>
    public int HiddenSize { get; set; } = ArchitectureDefaults.HiddenSize;

    /// <summary>Stacked recurrent layers (≥ 1). <value>Default 1.</value></summary>
    public int NumberOfLayers { get; set; } = ArchitectureDefaults.NumberOfLayers;

    /// <summary>Read the sequence in both directions and concatenate the final states. <value>Default false.</value></summary>
    public bool Bidirectional { get; set; }

    /// <summary>Dropout between stacked layers and before the output layer, in [0, 1). <value>Default 0.</value></summary>
    public float DropoutRate { get; set; }

    internal override void Check()
    {
        base.Check();
        if (!Enum.IsDefined(Cell)) throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "Unknown recurrent cell.");
        if (HiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(HiddenSize), HiddenSize, "HiddenSize must be at least 1.");
        if (NumberOfLayers < 1) throw new ArgumentOutOfRangeException(nameof(NumberOfLayers), NumberOfLayers, "NumberOfLayers must be at least 1.");
        if (!(DropoutRate >= 0 && DropoutRate < 1)) throw new ArgumentOutOfRangeException(nameof(DropoutRate), DropoutRate, "DropoutRate must lie in [0, 1).");
    }

    internal Engine.Layers.RecurrentLayer CreateLayer(int inputSize, Rng rng) => Cell switch
    {
        RecurrentCellKind.Rnn => new Engine.Layers.Rnn(inputSize, HiddenSize, rng, NumberOfLayers, Bidirectional, DropoutRate),
        RecurrentCellKind.Gru => new Engine.Layers.Gru(inputSize, HiddenSize, rng, NumberOfLayers, Bidirectional, DropoutRate),
        _ => new Engine.Layers.Lstm(inputSize, HiddenSize, rng, NumberOfLayers, Bidirectional, DropoutRate),
    };

    internal IReadOnlyDictionary<string, string> ArchitectureMetadata => new Dictionary<string, string>
    {
        ["architecture"] = "recurrent",
        ["cell"] = Cell.ToString(),
        ["hidden_size"] = HiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["layers"] = NumberOfLayers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["bidirectional"] = Bidirectional ? "true" : "false",
    };
}
