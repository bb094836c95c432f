using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// What one Fit trained, for exporting the same network again with another graph input (e.g. images of any size).
/// Snapshots the column names, so later changes to the estimator's options do not leak into it.
/// </summary>
/// <param name="Model">The trained model as the task built it: network (in inference mode), preprocessing, graph input.</param>
/// <param name="Columns">How the trainer read the data.</param>
/// <param name="LabelKeyValues">The label's key values (classification), or null.</param>
/// <param name="ScoreColumn">Output score column.</param>
/// <param name="PredictedLabelColumn">Output key column (classification), or null.</param>
/// <param name="Scoring">GPU settings.</param>
/// <param name="Warn">Logs a scoring warning.</param>
/// <param name="Description">What the Fit's ONNX file says about the model.</param>
internal sealed record FittedNetwork(TaskModel Model, SupervisedColumns Columns, KeyValueList? LabelKeyValues,
    string ScoreColumn, string? PredictedLabelColumn, OnnxScoringOptions Scoring, Action<string> Warn, ModelDescription Description);
