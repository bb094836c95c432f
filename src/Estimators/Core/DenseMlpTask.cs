using Microsoft.ML;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Preprocessing;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>A multilayer perceptron on a known-size Single vector, standardised per slot or taken as it is (<see cref="MlpOptions.FeatureScaling"/>).</summary>
internal sealed class DenseMlpTask(MlpOptions options) : INetworkTask
{
    public string OnnxInputColumn => options.FeatureColumnName;

    public FeatureInput DescribeInput(DataViewSchema schema, string paramName) =>
        new(OnnxInputColumn, SchemaChecks.FeatureCount(schema, options.FeatureColumnName, paramName));

    public NetworkSummary? CheckNetwork(SupervisedColumns columns) =>
        options.CustomNetwork is { } network ? CustomNetworkCheck.Run(network, [columns.Input.Count], columns) : null;

    public TaskModel Build(SupervisedColumns columns, DataScan scan, Rng rng)
    {
        int f = columns.Input.Count;
        var network = options.CustomNetwork?.Build([f], rng) ?? Mlp.Build(new MlpArchitecture(f, options.HiddenLayers, columns.ClassCount,
            options.Activation, options.LeakyReluAlpha, options.DropoutRate, options.BatchNorm), rng);
        var preprocessing = options.FeatureScaling == FeatureScaling.None ? null : scan.PerSlot();
        return new TaskModel(network, preprocessing, new DenseGraphInput(OnnxInputColumn, f, preprocessing), Architecture);
    }

    public void CheckInput(SchemaShape schema) => SchemaChecks.Features(schema, options.FeatureColumnName);

    public TaskModel Stub(int outputs) => new(new Sequential(new Linear(1, outputs, new Rng(0))), null,
        new DenseGraphInput(OnnxInputColumn, 1, options.FeatureScaling == FeatureScaling.None ? null : new FeaturePreprocessing([0f], [1f])), Architecture);

    private Dictionary<string, string> Architecture => options.CustomNetwork is { } custom ? CustomNetworkCheck.Architecture(custom) : new()
    {
        ["architecture"] = "mlp",
        ["hidden_layers"] = string.Join(",", options.HiddenLayers),
        ["activation"] = options.Activation.ToString(),
        ["feature_scaling"] = options.FeatureScaling == FeatureScaling.None ? "none" : "standardize",
    };
}
