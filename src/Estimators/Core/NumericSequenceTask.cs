using Microsoft.ML;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Preprocessing;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>
/// A recurrent network over a numeric sequence given as a known-size vector (T·F values, standardised per slot in
/// the graph): RecurrentEncoder → [Dropout] → Linear.
/// </summary>
/// <param name="options">Architecture and column.</param>
/// <param name="forecastChanges">Make each row relative to its last step (regression with <see cref="NumericSequenceOptions.ForecastChanges"/>).</param>
internal sealed class NumericSequenceTask(NumericSequenceOptions options, bool forecastChanges) : INetworkTask
{
    public string OnnxInputColumn => options.FeatureColumnName;

    public FeatureInput DescribeInput(DataViewSchema schema, string paramName)
    {
        int count = SchemaChecks.FeatureCount(schema, options.FeatureColumnName, paramName);
        if (count == 0 || count % options.FeaturesPerStep != 0)
            throw SchemaChecks.Mismatch(paramName, options.FeatureColumnName,
                $"a non-empty vector whose size is a multiple of FeaturesPerStep = {options.FeaturesPerStep}", schema[options.FeatureColumnName].Type);
        return new FeatureInput(OnnxInputColumn, count, RelativeStepSize: forecastChanges ? options.FeaturesPerStep : 0);
    }

    public TaskModel Build(SupervisedColumns columns, DataScan scan, Rng rng)
    {
        var input = columns.Input;
        int steps = input.Count / options.FeaturesPerStep;
        var encoder = new RecurrentEncoder(options.Recurrent.CreateLayer(options.FeaturesPerStep, rng), steps, options.FeaturesPerStep);
        var head = new Linear(encoder.OutputSize, columns.ClassCount, rng);
        Module network = options.Recurrent.DropoutRate > 0
            ? new Sequential(encoder, new Dropout(options.Recurrent.DropoutRate, rng), head)
            : new Sequential(encoder, head);
        var preprocessing = scan.PerSlot(input.RelativeStepSize);
        return new TaskModel(network, preprocessing, new DenseGraphInput(OnnxInputColumn, input.Count, preprocessing), options.Recurrent.Metadata);
    }

    public void CheckInput(SchemaShape schema) => SchemaChecks.Features(schema, options.FeatureColumnName);

    public TaskModel Stub(int outputs)
    {
        var rng = new Rng(0);
        int f = options.FeaturesPerStep;
        var encoder = new RecurrentEncoder(new Gru(f, 1, rng), 1, f);
        var preprocessing = new FeaturePreprocessing(new float[f], Enumerable.Repeat(1f, f).ToArray());
        return new TaskModel(new Sequential(encoder, new Linear(1, outputs, rng)), null, new DenseGraphInput(OnnxInputColumn, f, preprocessing),
            options.Recurrent.Metadata);
    }
}
