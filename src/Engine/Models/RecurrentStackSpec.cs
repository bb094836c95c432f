namespace MlNetDeep.Engine.Models;

/// <summary>
/// The recurrent stack of the recurrent presets (<see cref="NetworkPresets.TextRecurrent"/>, <see cref="NetworkPresets.NumericSequence"/>):
/// the engine's view of the estimators' RecurrentArchitecture, which this assembly cannot see.
/// </summary>
/// <param name="Cell">Rnn (tanh), Lstm or Gru.</param>
/// <param name="HiddenSize">H per direction.</param>
/// <param name="Layers">Stacked layers.</param>
/// <param name="Bidirectional">Both directions, final states concatenated (2·H).</param>
/// <param name="DropoutRate">Dropout between the stacked layers and before the output layer, in [0, 1).</param>
internal sealed record RecurrentStackSpec(RecurrentCellKind Cell, int HiddenSize, int Layers, bool Bidirectional, float DropoutRate);
