using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// Fit and GetOutputSchema for every supervised estimator: preprocessing → schema checks → scan → train →
/// export → a chain of built-in transformers (preprocessing, ApplyOnnxModel, post-processing).
/// </summary>
internal sealed class SupervisedFitter(MLContext ml, TrainerOptions options, INetworkTask task, string hostName)
{
    /// <summary>
    /// Trains and returns the model, its report and the trained network (for estimators that export it again with another
    /// graph input). <paramref name="predictedLabelColumn"/> is null for regression.
    /// </summary>
    public (TransformerChain<ITransformer> Model, TrainingReport Report, FittedNetwork Network) Fit(IDataView input, TargetKind target, string? predictedLabelColumn)
    {
        ArgumentNullException.ThrowIfNull(input);
        var preprocessing = task.FitPreprocessing(ml, input);
        var view = preprocessing?.Transform(input) ?? input;
        var validation = options.ValidationSet is { } raw ? preprocessing?.Transform(raw) ?? raw : null;

        var columns = Columns(view.Schema, nameof(input), target);
        if (validation is not null && Columns(validation.Schema, nameof(TrainerOptions.ValidationSet), target) is var v && v != columns)
            throw new ArgumentOutOfRangeException(nameof(TrainerOptions.ValidationSet),
                $"ValidationSet's columns ({v.FeatureCount} values, {v.ClassCount} classes) differ from the training data's ({columns.FeatureCount}, {columns.ClassCount}).");

        var training = new NetworkTraining(ml, options, hostName);
        var (result, scan) = training.Train(view, validation, columns, task);
        var input_ = task.GraphInput(columns, scan);
        var export = NetworkTraining.ExportOptions(TaskName(target), task.Metadata, result);
        IEstimator<ITransformer> scoring;
        byte[] onnx;
        KeyValueList? keyValues = null;
        if (target == TargetKind.Classification)
        {
            onnx = SupervisedGraph.Classifier(result.Network, input_, columns.ClassCount, options.ScoreColumnName, TemporaryColumns.PredictedIndexVector, export);
            keyValues = KeyValueList.FromColumn(view.Schema[options.LabelColumnName]);
            scoring = ScoringChain.Classifier(ml, onnx, task.OnnxInputColumn, options.ScoreColumnName, predictedLabelColumn!, keyValues, training.Scoring, training.Warn);
        }
        else
        {
            onnx = SupervisedGraph.Regressor(result.Network, input_, scan.LabelMean, scan.LabelStd, TemporaryColumns.ScoreVector, export);
            scoring = ScoringChain.Regressor(ml, onnx, task.OnnxInputColumn, options.ScoreColumnName, training.Scoring, training.Warn);
        }
        var scoringModel = ScoringChain.Fit(WithCleanup(scoring), view);
        var model = preprocessing is null ? scoringModel : new TransformerChain<ITransformer>([.. preprocessing, .. scoringModel]);
        var fitted = new FittedNetwork(result.Network, scan, columns, keyValues, options.ScoreColumnName, predictedLabelColumn, training.Scoring, training.Warn, export);
        return (model, new TrainingReport(onnx, result.History, result.BestEpoch), fitted);
    }

    /// <summary>The schema after scoring, from the same chain around a stub model.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema, TargetKind target, string? predictedLabelColumn)
    {
        task.CheckFeatures(inputSchema);
        var shape = task.Preprocessing(ml)?.GetOutputSchema(inputSchema) ?? inputSchema;
        var export = NetworkTraining.ExportOptions(TaskName(target), task.Metadata, null);
        if (target == TargetKind.Classification)
        {
            var keyValueType = SchemaChecks.KeyLabel(inputSchema, options.LabelColumnName);
            const int classes = 2; // a SchemaShape keeps no key count, and the output shape does not depend on it
            var (input, network) = task.Stub(classes);
            byte[] stub = SupervisedGraph.Classifier(network, input, classes, options.ScoreColumnName, TemporaryColumns.PredictedIndexVector, export);
            return ScoringChain.OutputSchema(stub, source => WithCleanup(ScoringChain.Classifier(ml, source, task.OnnxInputColumn, options.ScoreColumnName,
                predictedLabelColumn!, KeyValueList.Placeholder(classes, keyValueType), new OnnxScoringOptions(), null)), shape);
        }
        SchemaChecks.RegressionLabel(inputSchema, options.LabelColumnName);
        var (stubInput, stubNetwork) = task.Stub(1);
        byte[] regressor = SupervisedGraph.Regressor(stubNetwork, stubInput, 0f, 1f, TemporaryColumns.ScoreVector, export);
        return ScoringChain.OutputSchema(regressor, source =>
            WithCleanup(ScoringChain.Regressor(ml, source, task.OnnxInputColumn, options.ScoreColumnName, new OnnxScoringOptions(), null)), shape);
    }

    private IEstimator<ITransformer> WithCleanup(IEstimator<ITransformer> scoring) =>
        task.TemporaryColumns.Count > 0 ? scoring.Append(ml.Transforms.DropColumns(task.TemporaryColumns.ToArray())) : scoring;

    private SupervisedColumns Columns(DataViewSchema schema, string paramName, TargetKind target)
    {
        var spec = task.Features(schema, paramName);
        int classes = 1;
        if (target == TargetKind.Classification) classes = SchemaChecks.ClassCount(schema, options.LabelColumnName, paramName);
        else SchemaChecks.RegressionLabel(schema, options.LabelColumnName, paramName);
        return new SupervisedColumns(task.OnnxInputColumn, spec.Count, options.LabelColumnName, target, classes, spec.Kind, spec.PadId,
            target == TargetKind.Regression ? spec.RelativeStepSize : 0, spec.RejectLongerRows);
    }

    private static string TaskName(TargetKind target) => target == TargetKind.Classification ? "classification" : "regression";
}
