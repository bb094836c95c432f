using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>
/// A recurrent network over a numeric sequence given as a known-size vector (T·F values, standardised per slot in
/// the graph): RecurrentEncoder → [Dropout] → Linear.
/// </summary>
internal sealed class NumericSequenceTask(NumericSequenceOptions options) : INetworkTask
{
    public TransformerChain<ITransformer>? FitPreprocessing(MLContext ml, IDataView training) => null;

    public IEstimator<ITransformer>? Preprocessing(MLContext ml) => null;

    public FeatureSpec Features(DataViewSchema schema, string paramName)
    {
        int count = SchemaChecks.FeatureCount(schema, options.FeatureColumnName, paramName);
        if (count == 0 || count % options.FeaturesPerStep != 0)
            throw SchemaChecks.Mismatch(paramName, options.FeatureColumnName,
                $"a non-empty vector whose size is a multiple of FeaturesPerStep = {options.FeaturesPerStep}", schema[options.FeatureColumnName].Type);
        return new FeatureSpec(FeatureKind.Dense, count, RelativeStepSize: options.ForecastChanges ? options.FeaturesPerStep : 0);
    }

    public void CheckFeatures(SchemaShape schema) => SchemaChecks.Features(schema, options.FeatureColumnName);

    public string OnnxInputColumn => options.FeatureColumnName;

    public Module Build(SupervisedColumns columns, Rng rng)
    {
        int steps = columns.FeatureCount / options.FeaturesPerStep;
        var encoder = new RecurrentEncoder(options.CreateLayer(options.FeaturesPerStep, rng), steps, options.FeaturesPerStep);
        var head = new Linear(encoder.OutputSize, columns.ClassCount, rng);
        return options.DropoutRate > 0
            ? new Sequential(encoder, new Dropout(options.DropoutRate, rng), head)
            : new Sequential(encoder, head);
    }

    public IGraphInput GraphInput(SupervisedColumns columns, DataScan scan) =>
        new DenseGraphInput(OnnxInputColumn, columns.FeatureCount, new Standardization(scan.FeatureMean, scan.FeatureStd))
        {
            RelativeStepSize = columns.RelativeStepSize,
        };

    public (IGraphInput Input, Module Network) Stub(int outputs)
    {
        var rng = new Rng(0);
        int f = options.FeaturesPerStep;
        var encoder = new RecurrentEncoder(new Gru(f, 1, rng), 1, f);
        return (new DenseGraphInput(OnnxInputColumn, f, new Standardization(new float[f], Enumerable.Repeat(1f, f).ToArray())),
            new Sequential(encoder, new Linear(1, outputs, rng)));
    }

    public IReadOnlyList<string> TemporaryColumns => [];

    public IReadOnlyDictionary<string, string> Metadata => options.ArchitectureMetadata;
}
