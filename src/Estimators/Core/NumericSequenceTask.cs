using Microsoft.ML;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Preprocessing;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>
/// A recurrent network over a numeric sequence given as a known-size vector (T·F values, standardised per slot in
/// the graph): the <see cref="NetworkPresets.NumericSequence"/> preset, RecurrentEncoder → [Dropout] → Linear, or the user's <see cref="NumericSequenceOptions.CustomNetwork"/>.
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

    /// <summary>(T, F) of one row: the steps of its window, then the values per step.</summary>
    private int[] SequenceShape(FeatureInput input) => [input.Count / options.FeaturesPerStep, options.FeaturesPerStep];

    public NetworkSummary? CheckNetwork(SupervisedColumns columns) =>
        options.CustomNetwork is { } network ? CustomNetworkCheck.Run(network, SequenceShape(columns.Input), columns) : null;

    public TaskModel Build(SupervisedColumns columns, DataScan scan, Rng rng)
    {
        var input = columns.Input;
        var preprocessing = scan.PerSlot(input.RelativeStepSize);
        var graphInput = new DenseGraphInput(OnnxInputColumn, input.Count, preprocessing);
        // The graph gives each row flat, (B, T·F): the network reshapes it to (B, T, F) unless its first layer reads it flat.
        return options.CustomNetwork is { } custom
            ? new TaskModel(custom.BuildFromFlatRows(SequenceShape(input), rng), preprocessing, graphInput, CustomNetworkCheck.Architecture(custom))
            : new TaskModel(NetworkPresets.NumericSequence(options.Recurrent.Stack, columns.ClassCount).BuildFromFlatRows(SequenceShape(input), rng),
                preprocessing, graphInput, options.Recurrent.Metadata);
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
