using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep;

/// <summary>
/// A stack of recurrent layers (RNN, LSTM or GRU, as ONNX's operators and PyTorch's nn.RNN/nn.LSTM/nn.GRU compute them):
/// the recurrent part of <see cref="RecurrentClassifier"/>, <see cref="RecurrentRegressor"/> and a recurrent
/// <see cref="TextClassifier"/>. Every default is in <see cref="Defaults"/>.
/// </summary>
public sealed record RecurrentArchitecture
{
    /// <summary>Default values, in one place.</summary>
    public static class Defaults
    {
        /// <summary>LSTM.</summary>
        public const RecurrentCellKind Cell = RecurrentCellKind.Lstm;

        /// <summary>64 hidden units per direction.</summary>
        public const int HiddenSize = 64;

        /// <summary>One layer.</summary>
        public const int NumberOfLayers = 1;

        /// <summary>One direction.</summary>
        public const bool Bidirectional = false;

        /// <summary>No dropout.</summary>
        public const float DropoutRate = 0f;
    }

    /// <summary>Cell: Rnn (tanh), Lstm or Gru (linear-before-reset form). <value>Default Lstm.</value></summary>
    public RecurrentCellKind Cell { get; init; } = Defaults.Cell;

    /// <summary>Hidden units per direction (≥ 1). <value>Default 64.</value></summary>
    public int HiddenSize { get; init; } = Defaults.HiddenSize;

    /// <summary>Stacked recurrent layers (≥ 1). <value>Default 1.</value></summary>
    public int NumberOfLayers { get; init; } = Defaults.NumberOfLayers;

    /// <summary>Read the sequence in both directions and concatenate the final states. <value>Default false.</value></summary>
    public bool Bidirectional { get; init; } = Defaults.Bidirectional;

    /// <summary>Dropout between stacked layers and before the output layer, in [0, 1). <value>Default 0.</value></summary>
    public float DropoutRate { get; init; } = Defaults.DropoutRate;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    internal void Check()
    {
        if (!Enum.IsDefined(Cell)) throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "Unknown recurrent cell.");
        if (HiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(HiddenSize), HiddenSize, "HiddenSize must be at least 1.");
        if (NumberOfLayers < 1) throw new ArgumentOutOfRangeException(nameof(NumberOfLayers), NumberOfLayers, "NumberOfLayers must be at least 1.");
        if (!(DropoutRate >= 0 && DropoutRate < 1)) throw new ArgumentOutOfRangeException(nameof(DropoutRate), DropoutRate, "DropoutRate must lie in [0, 1).");
    }

    /// <summary>The stack as the recurrent presets read it (<see cref="Engine.Models.NetworkPresets.TextRecurrent"/>, <see cref="Engine.Models.NetworkPresets.NumericSequence"/>).</summary>
    internal Engine.Models.RecurrentStackSpec Stack => new(Cell, HiddenSize, NumberOfLayers, Bidirectional, DropoutRate);

    /// <summary>The ONNX metadata that describes this architecture.</summary>
    internal Dictionary<string, string> Metadata => new()
    {
        ["architecture"] = "recurrent",
        ["cell"] = Cell.ToString(),
        ["hidden_size"] = HiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["layers"] = NumberOfLayers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["bidirectional"] = Bidirectional ? "true" : "false",
    };
}
