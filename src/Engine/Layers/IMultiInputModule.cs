namespace MlNetDeep.Engine.Layers;

/// <summary>
/// A module that takes several inputs (ids, states, a prepared source) and therefore has no single-tensor
/// <see cref="Module.Forward"/>: <see cref="Attention"/> and <see cref="Models.Seq2Seq"/>. They are exported by dedicated
/// graph builders (src/Onnx/Export/Seq2Seq) with their own parity tests, not by a per-layer exporter or workout.
/// </summary>
internal interface IMultiInputModule;
