namespace MlNetDeep.Onnx.Export;

/// <summary>Values a graph input provides.</summary>
/// <param name="Features">The value the network consumes.</param>
/// <param name="TargetOffset">A float [N, 1] value a regressor adds to its output (the level of a window made relative), or null.</param>
internal sealed record GraphInputValues(string Features, string? TargetOffset = null);
