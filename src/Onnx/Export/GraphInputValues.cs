namespace MlNetDeep.Onnx.Export;

/// <summary>Values a graph input provides.</summary>
/// <param name="Features">The value the network consumes.</param>
/// <param name="TargetOffset">A float [N, 1] value a regressor adds to its output (the level of a window made relative), or null.</param>
/// <param name="RowCheck">
/// For float inputs, a float [N, 1] value that is +0 when every input value of the row is finite and NaN when one is NaN or
/// ±∞ (<see cref="FeaturePreprocessingGraph.AddRowCheck"/>); the task heads add it to their outputs so a non-finite row scores
/// NaN (and a classifier predicts index −1, the missing key). Null for inputs that cannot hold such values (token ids).
/// </param>
internal sealed record GraphInputValues(string Features, string? TargetOffset = null, string? RowCheck = null);
