using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>A multilayer perceptron on a known-size Single vector, standardised per slot.</summary>
internal sealed class DenseMlpTask(MlpOptions options) : INetworkTask
{
    public TransformerChain<ITransformer>? FitPreprocessing(MLContext ml, IDataView training) => null;

    public IEstimator<ITransformer>? Preprocessing(MLContext ml) => null;

    public FeatureSpec Features(DataViewSchema schema, string paramName) =>
        new(FeatureKind.Dense, SchemaChecks.FeatureCount(schema, options.FeatureColumnName, paramName));

    public void CheckFeatures(SchemaShape schema) => SchemaChecks.Features(schema, options.FeatureColumnName);

    public string OnnxInputColumn => options.FeatureColumnName;

    public Module Build(SupervisedColumns columns, Rng rng) => Mlp.Build(new MlpArchitecture(columns.FeatureCount, options.HiddenLayers,
        columns.ClassCount, options.Activation, options.LeakyReluAlpha, options.DropoutRate, options.BatchNorm), rng);

    public IGraphInput GraphInput(SupervisedColumns columns, DataScan scan) =>
        new DenseGraphInput(OnnxInputColumn, columns.FeatureCount, new Standardization(scan.FeatureMean, scan.FeatureStd));

    public (IGraphInput Input, Module Network) Stub(int outputs) =>
        (new DenseGraphInput(OnnxInputColumn, 1, new Standardization([0f], [1f])), new Sequential(new Linear(1, outputs, new Rng(0))));

    public IReadOnlyList<string> TemporaryColumns => [];

    public IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>
    {
        ["architecture"] = "mlp",
        ["hidden_layers"] = string.Join(",", options.HiddenLayers),
        ["activation"] = options.Activation.ToString(),
    };
}
