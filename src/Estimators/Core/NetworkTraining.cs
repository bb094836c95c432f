using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;
using MlNetDeep.Onnx;
using MlNetDeep.Trainers;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>The steps every estimator shares: scan the data, build and train the network, describe the export, log.</summary>
internal sealed class NetworkTraining
{
    private readonly TrainerOptions _options;
    private readonly IHost _host;

    public NetworkTraining(MLContext ml, TrainerOptions options, string hostName)
    {
        _options = options;
        _host = ((IHostEnvironment)ml).Register(hostName);
    }

    /// <summary>Validates and scans both data sets (before any training), then trains the network <paramref name="task"/> builds.</summary>
    public (TrainingResult Result, DataScan Scan) Train(IDataView input, IDataView? validation, SupervisedColumns columns, INetworkTask task)
    {
        using var channel = _host.Start("Fit");
        var token = _options.CancellationToken;
        var scan = task.Statistics(DataScan.Run(input, columns, "training data", token));
        if (validation is not null) DataScan.Run(validation, columns, "validation data", token);
        if (scan.SkippedRows > 0) channel.Warning(MessageSensitivity.None, $"{scan.SkippedRows} training rows with a missing '{columns.LabelColumn}' were skipped.");
        channel.Info(MessageSensitivity.None, $"training on {scan.Rows} rows, {columns.FeatureCount} {(columns.Features == FeatureKind.Tokens ? "tokens" : "features")}, {_options.NumberOfEpochs} epochs");

        int seed = _options.Seed ?? _host.Rand.Next();
        var network = task.Build(columns, new Rng(seed));
        channel.Info(MessageSensitivity.None, $"network with {network.ParameterCount():N0} parameters");
        var settings = new TrainingSettings
        {
            NumberOfEpochs = _options.NumberOfEpochs,
            BatchSize = _options.BatchSize,
            ShufflePoolSize = _options.ShufflePoolSize,
            Seed = seed,
            CreateOptimizer = CreateOptimizer,
            GradientClipNorm = _options.GradientClipNorm,
            GradientClipValue = _options.GradientClipValue,
            EarlyStoppingPatience = validation is null ? null : _options.EarlyStoppingPatience,
            Progress = _options.Progress,
            Log = message => channel.Info(MessageSensitivity.None, message),
            CancellationToken = token,
        };
        var result = new SupervisedTrainer(columns, settings).Train(network, input, scan, validation);
        return (result, scan);
    }

    public static OnnxModelOptions ExportOptions(string task, IReadOnlyDictionary<string, string> architecture, TrainingResult? result)
    {
        var options = new OnnxModelOptions { DocString = $"MlNetDeep network ({task})" };
        options.Metadata["mlnetdeep.task"] = task;
        foreach (var (key, value) in architecture) options.Metadata["mlnetdeep." + key] = value;
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
}
