namespace MlNetDeep.Onnx.Export;

/// <summary>Names of the values <see cref="RecurrentExporter.ExportAllOutputs"/> produces, in the engine's layouts.</summary>
/// <param name="Output">(N, T, dirs·H) float: the top layer's hidden state at every step, zero past each sequence length.</param>
/// <param name="FinalHidden">(layers·dirs, N, H) float: the last valid state of every layer and direction (engine order).</param>
/// <param name="FinalCell">(layers·dirs, N, H) float for an LSTM, null otherwise.</param>
internal sealed record RecurrentExportResult(string Output, string FinalHidden, string? FinalCell);
