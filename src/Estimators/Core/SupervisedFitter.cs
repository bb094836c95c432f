using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetDeep.Engine;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// Fit and GetOutputSchema for every supervised estimator, top to bottom: learned preprocessing → schema checks →
/// data scan → the task's model → training → ONNX export → a chain of built-in transformers (preprocessing,
/// ApplyOnnxModel, post-processing).
/// </summary>
internal sealed class SupervisedFitter
{
    private readonly MLContext _ml;
    private readonly TrainerOptions _options;
    private readonly INetworkTask _task;
    private readonly string _hostName;

    public SupervisedFitter(MLContext ml, TrainerOptions options, INetworkTask task, string hostName)
    {
        _ml = ml;
        _options = options;
        _task = task;
        _hostName = hostName;
    }

    /// <summary>
    /// Trains and returns the model, its report and the trained network (for estimators that export it again with another
    /// graph input). <paramref name="predictedLabelColumn"/> is null for regression.
    /// </summary>
    public (TransformerChain<ITransformer> Model, TrainingReport Report, FittedNetwork Network) Fit(IDataView input, TargetKind target, string? predictedLabelColumn)
    {
        ArgumentNullException.ThrowIfNull(input);
        OnnxRuntimeNative.Require("Fit"); // before training: the trained network is scored through ONNX Runtime
        if (_options.GpuDeviceId is int gpu && !_options.FallbackToCpu) GpuDiagnosis.ThrowIfUnusable(gpu); // fail before training too
        var preprocessing = _task.FitPreprocessing(_ml, input);
        var view = preprocessing?.Transform(input) ?? input;
        var validation = _options.ValidationSet is { } raw ? preprocessing?.Transform(raw) ?? raw : null;

        var columns = Columns(view.Schema, nameof(input), target, view);
        var keyValues = target == TargetKind.Classification ? KeyValueList.FromColumn(view.Schema[_options.LabelColumnName]) : null;
        if (validation is not null && keyValues is not null) CheckValidationKeys(keyValues, validation.Schema);
        if (validation is not null && Columns(validation.Schema, nameof(TrainerOptions.ValidationSet), target) is var v && v != columns)
            throw new ArgumentOutOfRangeException(nameof(TrainerOptions.ValidationSet),
                $"ValidationSet's columns ({v.Input.Count} values, {v.ClassCount} classes) differ from the training data's ({columns.Input.Count}, {columns.ClassCount}).");

        var host = ((IHostEnvironment)_ml).Register(_hostName);
        using var channel = host.Start("Fit");
        var token = _options.CancellationToken;
        if (_task.CheckNetwork(columns) is { } summary) channel.Info(MessageSensitivity.None, $"user-defined network:\n{summary}");
        var scan = DataScan.Run(view, columns, "training data", token);
        if (validation is not null && DataScan.Run(validation, columns, "validation data", token).SkippedRows is > 0 and var skippedValidation)
            channel.Warning(MessageSensitivity.None, $"{skippedValidation} validation rows with a missing '{columns.LabelColumn}' (key 0: a label the training keys do not know, or none) were skipped.");
        if (scan.SkippedRows > 0) channel.Warning(MessageSensitivity.None, $"{scan.SkippedRows} training rows with a missing '{columns.LabelColumn}' were skipped.");
        channel.Info(MessageSensitivity.None, $"training on {scan.Rows} rows, {columns.Input.Count} {(columns.Input.Kind == FeatureKind.Tokens ? "tokens" : "features")}, {_options.NumberOfEpochs} epochs");

        int seed = _options.Seed ?? host.Rand.Next();
        var model = _task.Build(columns, scan, new Rng(seed));
        channel.Info(MessageSensitivity.None, $"network with {model.Network.ParameterCount():N0} parameters");
        var result = new SupervisedTrainer(columns, _options.TrainingSettings(seed, validation is not null, message => channel.Info(MessageSensitivity.None, message)))
            .Train(model.Network, model.Preprocessing, view, scan, validation);

        var description = new ModelDescription(TaskName(target), model.Architecture)
        {
            EpochsTrained = result.History.Count, BestEpoch = result.BestEpoch, ClassNames = keyValues?.Values, Text = _task.DescribeText(view.Schema),
        };
        var scoring = new OnnxScoringOptions { GpuDeviceId = _options.GpuDeviceId, FallbackToCpu = _options.FallbackToCpu };
        Action<string> warn = ScoringWarnings.To(host);
        byte[] onnx;
        Func<OnnxModelSource, IEstimator<ITransformer>> scoringChain;
        if (target == TargetKind.Classification)
        {
            onnx = SupervisedGraph.Classifier(result.Network, model.GraphInput, columns.ClassCount, _options.ScoreColumnName, TemporaryColumns.PredictedIndexVector, description);
            scoringChain = source => ScoringChain.Classifier(_ml, source, _task.OnnxInputColumn, _options.ScoreColumnName, predictedLabelColumn!, keyValues!, scoring, warn);
        }
        else
        {
            onnx = SupervisedGraph.Regressor(result.Network, model.GraphInput, scan.LabelMean, scan.LabelStd, TemporaryColumns.ScoreVector, description);
            scoringChain = source => ScoringChain.Regressor(_ml, source, _task.OnnxInputColumn, _options.ScoreColumnName, scoring, warn);
        }
        var scoringModel = ScoringChain.Fit(_ml, onnx, source => WithCleanup(scoringChain(source)), view, scoring);
        var chain = preprocessing is null ? scoringModel : new TransformerChain<ITransformer>([.. preprocessing, .. scoringModel]);
        var fitted = new FittedNetwork(model, columns, keyValues, _options.ScoreColumnName, predictedLabelColumn, scoring, warn, description);
        return (chain, new TrainingReport(onnx, result.History, result.BestEpoch), fitted);
    }

    /// <summary>The schema after scoring, from the same chain around a stub model.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema, TargetKind target, string? predictedLabelColumn)
    {
        _task.CheckInput(inputSchema);
        OnnxRuntimeNative.Require("GetOutputSchema");
        var shape = _task.Preprocessing(_ml)?.GetOutputSchema(inputSchema) ?? inputSchema;
        if (target == TargetKind.Classification)
        {
            var keyValueType = SchemaChecks.KeyLabel(inputSchema, _options.LabelColumnName);
            const int classes = 2; // a SchemaShape keeps no key count, and the output shape does not depend on it
            var stub = _task.Stub(classes);
            byte[] classifier = SupervisedGraph.Classifier(stub.Network, stub.GraphInput, classes, _options.ScoreColumnName, TemporaryColumns.PredictedIndexVector,
                new ModelDescription(TaskName(target), stub.Architecture));
            return ScoringChain.OutputSchema(classifier, source => WithCleanup(ScoringChain.Classifier(_ml, source, _task.OnnxInputColumn, _options.ScoreColumnName,
                predictedLabelColumn!, KeyValueList.Placeholder(classes, keyValueType), new OnnxScoringOptions(), null)), shape);
        }
        SchemaChecks.RegressionLabel(inputSchema, _options.LabelColumnName);
        var regressorStub = _task.Stub(1);
        byte[] regressor = SupervisedGraph.Regressor(regressorStub.Network, regressorStub.GraphInput, 0f, 1f, TemporaryColumns.ScoreVector,
            new ModelDescription(TaskName(target), regressorStub.Architecture));
        return ScoringChain.OutputSchema(regressor, source =>
            WithCleanup(ScoringChain.Regressor(_ml, source, _task.OnnxInputColumn, _options.ScoreColumnName, new OnnxScoringOptions(), null)), shape);
    }

    private IEstimator<ITransformer> WithCleanup(IEstimator<ITransformer> scoring) =>
        _task.TemporaryColumns.Count > 0 ? scoring.Append(_ml.Transforms.DropColumns(_task.TemporaryColumns.ToArray())) : scoring;

    /// <summary>Checks and describes the columns; for the training data (<paramref name="training"/> given) also the label's classes and the task's content checks.</summary>
    private SupervisedColumns Columns(DataViewSchema schema, string paramName, TargetKind target, IDataView? training = null)
    {
        var input = _task.DescribeInput(schema, paramName);
        if (training is not null)
        {
            if (target == TargetKind.Classification) CheckClasses(training);
            _task.CheckTrainingContent(schema);
        }
        int classes = 1;
        if (target == TargetKind.Classification) classes = SchemaChecks.ClassCount(schema, _options.LabelColumnName, paramName);
        else SchemaChecks.RegressionLabel(schema, _options.LabelColumnName, paramName);
        return new SupervisedColumns(input, _options.LabelColumnName, target, classes);
    }

    /// <summary>
    /// A key label with fewer than two classes: MapValueToKey gives Key&lt;UInt32, 0-0&gt; (one key) for data with no rows, with
    /// no labelled rows and with one class alike, so the rows say which it is, before anything else reads the data.
    /// </summary>
    private void CheckClasses(IDataView input)
    {
        string label = _options.LabelColumnName;
        if (input.Schema.GetColumnOrNull(label) is not { Type: KeyDataViewType { Count: < 2 } key } column || key.RawType != typeof(uint)) return; // Columns() explains the rest
        long rows = 0, labelled = 0;
        using (var cursor = input.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<uint>(column);
            uint value = 0;
            while (cursor.MoveNext())
            {
                rows++;
                getter(ref value);
                if (value != 0) labelled++;
            }
        }
        string message = rows == 0
            ? $"The training data is empty: it has no rows (label column '{label}')."
            : labelled == 0
                ? $"The training data has no labelled rows: all {rows} rows have a missing '{label}' (key 0: an empty or unknown value before MapValueToKey)."
                : $"The training data has one class only: every labelled row of '{label}' is '{KeyValueList.FromColumn(column).Values[0]}' " +
                  $"({labelled} of {rows} rows); a classifier needs at least 2 classes.";
        throw new ArgumentOutOfRangeException("input", message);
    }

    /// <summary>
    /// A validation set keyed by its own MapValueToKey gives the same classes other key numbers (or other classes): its
    /// accuracy and early stopping would follow noise. The label's key values must be the training data's, in the same order.
    /// </summary>
    private void CheckValidationKeys(KeyValueList training, DataViewSchema validation)
    {
        string label = _options.LabelColumnName;
        if (validation.GetColumnOrNull(label) is not { Type: KeyDataViewType } validationLabel) return; // Columns() names a missing or non-key label
        var expected = training.Values;
        var actual = KeyValueList.FromColumn(validationLabel).Values;
        if (expected.SequenceEqual(actual)) return;
        int key = Enumerable.Range(0, Math.Min(expected.Count, actual.Count)).FirstOrDefault(i => expected[i] != actual[i], Math.Min(expected.Count, actual.Count));
        string where = key < Math.Min(expected.Count, actual.Count)
            ? $"key {key + 1} is '{actual[key]}' in ValidationSet but '{expected[key]}' in the training data"
            : $"ValidationSet has {actual.Count} keys and the training data {expected.Count}";
        throw new ArgumentOutOfRangeException(nameof(TrainerOptions.ValidationSet),
            $"ValidationSet's '{label}' keys differ from the training data's: {where} (training: [{string.Join(", ", expected)}]; " +
            $"ValidationSet: [{string.Join(", ", actual)}]). Key the validation data with the transformer fitted on the training data, " +
            $"e.g. var keys = mlContext.Transforms.Conversion.MapValueToKey(\"{label}\").Fit(training); ValidationSet = keys.Transform(validation).");
    }


    private static string TaskName(TargetKind target) => target == TargetKind.Classification ? "classification" : "regression";
}
