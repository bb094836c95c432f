using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Optimizers;
using MlNetDeep.Onnx;
using MlNetDeep.Trainers;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>The steps both MLP estimators share: scan the data, build and train the network, describe the export.</summary>
internal sealed class MlpFit
{
    private readonly MLContext _ml;
    private readonly MlpOptions _options;
    private readonly IHost _host;

    public MlpFit(MLContext ml, MlpOptions options, string hostName)
    {
        _ml = ml;
        _options = options;
        _host = ((IHostEnvironment)ml).Register(hostName);
    }

    /// <summary>Validates and scans both data sets (before any training), then trains.</summary>
    public (TrainingResult Result, DataScan Scan) Train(IDataView input, SupervisedColumns columns)
    {
        using var channel = _host.Start("Fit");
        var token = _options.CancellationToken;
        var scan = DataScan.Run(input, columns, "training data", token);
        if (_options.ValidationSet is { } validation) DataScan.Run(validation, columns, "validation data", token);
        if (scan.SkippedRows > 0) channel.Warning(MessageSensitivity.None, $"{scan.SkippedRows} training rows with a missing '{columns.LabelColumn}' were skipped.");
        channel.Info(MessageSensitivity.None, $"training on {scan.Rows} rows, {columns.FeatureCount} features, {_options.NumberOfEpochs} epochs");

        int seed = _options.Seed ?? _host.Rand.Next();
        var network = Mlp.Build(Architecture(columns), new Rng(seed));
        var settings = new TrainingSettings
        {
            NumberOfEpochs = _options.NumberOfEpochs,
            BatchSize = _options.BatchSize,
            ShufflePoolSize = _options.ShufflePoolSize,
            Seed = seed,
            CreateOptimizer = CreateOptimizer,
            GradientClipNorm = _options.GradientClipNorm,
            EarlyStoppingPatience = _options.ValidationSet is null ? null : _options.EarlyStoppingPatience,
            Progress = _options.Progress,
            Log = message => channel.Info(MessageSensitivity.None, message),
            CancellationToken = token,
        };
        var result = new SupervisedTrainer(columns, settings).Train(network, input, scan, _options.ValidationSet);
        return (result, scan);
    }

    public MlpArchitecture Architecture(SupervisedColumns columns) => new(columns.FeatureCount, _options.HiddenLayers, columns.ClassCount,
        _options.Activation, _options.LeakyReluAlpha, _options.DropoutRate, _options.BatchNorm);

    public OnnxModelOptions ExportOptions(string task, TrainingResult? result)
    {
        var options = new OnnxModelOptions { DocString = $"MlNetDeep multilayer perceptron ({task})" };
        options.Metadata["mlnetdeep.task"] = task;
        options.Metadata["mlnetdeep.hidden_layers"] = string.Join(",", _options.HiddenLayers);
        options.Metadata["mlnetdeep.activation"] = _options.Activation.ToString();
        if (result is not null)
        {
            options.Metadata["mlnetdeep.epochs_trained"] = result.History.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            options.Metadata["mlnetdeep.best_epoch"] = result.BestEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return options;
    }

    public OnnxScoringOptions Scoring => new() { GpuDeviceId = _options.GpuDeviceId, FallbackToCpu = _options.FallbackToCpu };

    public void Warn(string message)
    {
        using var channel = _host.Start("Scoring");
        channel.Warning(MessageSensitivity.None, message);
    }

    private Optimizer CreateOptimizer(IEnumerable<Tensor> parameters) => _options.Optimizer switch
    {
        OptimizerKind.Sgd => new Sgd(parameters, _options.LearningRate, _options.Momentum),
        _ => new Adam(parameters, _options.LearningRate),
    };

    /// <summary>An untrained network of the right signature, for schema propagation.</summary>
    public static Module Stub(int features, int outputs) => new Sequential(new Linear(features, outputs, new Rng(0)));
}
