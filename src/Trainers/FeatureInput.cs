using Microsoft.ML.Data;

namespace MlNetDeep.Trainers;

/// <summary>The feature column as the trainer reads it (described by the estimator's task, validated against the schema).</summary>
/// <param name="Column">Known-size vector (or scalar) of Single, or a vector of keys for <see cref="FeatureKind.Tokens"/>.</param>
/// <param name="Count">F, the feature vector's size (the fixed sequence length T for tokens).</param>
/// <param name="Kind">Dense values or token keys.</param>
/// <param name="PadId">Token id written after the end of a shorter row (tokens only).</param>
/// <param name="RelativeStepSize">
/// F &gt; 0 makes every row relative to its last time step (windows of a series with a trend): with the row read as
/// T steps of F values, the last step's values are subtracted from every step and its first value from the
/// regression label, so the network learns changes rather than levels (the graph adds the level back). 0: off.
/// See <see cref="Engine.Preprocessing.FeaturePreprocessing"/>.
/// </param>
/// <param name="RejectLongerRows">Tokens only: null truncates rows longer than <see cref="Count"/>; otherwise <see cref="DataScan"/> rejects them.</param>
/// <param name="Shape">The row's shape when the network reads it with more than one axis, e.g. (C, H, W) for images; null when flat.</param>
internal sealed record FeatureInput(string Column, int Count, FeatureKind Kind = FeatureKind.Dense, int PadId = 0, int RelativeStepSize = 0,
    LongRowRejection? RejectLongerRows = null, IReadOnlyList<int>? Shape = null);
