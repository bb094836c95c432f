using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>Standardisation learned at training time, applied inside the graph: (x − Mean) / Std per slot.</summary>
/// <param name="Mean">(F) values subtracted.</param>
/// <param name="Std">(F) divisors, all positive.</param>
public sealed record Standardization(float[] Mean, float[] Std);

/// <summary>Names of the graph's input and outputs; ML.NET uses them as column names.</summary>
/// <param name="Input">float [N, F] features (the feature column's name).</param>
/// <param name="Score">Classifier: float [N, K] probabilities. Regressor: float [N, 1] value.</param>
/// <param name="PredictedIndex">Classifier only: int64 [N, 1] arg-max class index.</param>
public sealed record SupervisedGraphNames(string Input, string Score, string? PredictedIndex = null);

/// <summary>
/// Complete scoring graphs for feature-vector networks: input standardisation, the network in inference form,
/// and the task head. Every output has the batch first and rank 2 (ML.NET cannot read rank-0 outputs).
/// </summary>
public static class SupervisedGraph
{
    /// <summary>
    /// Classifier: Score = Softmax(network(standardise(x)), axis = −1) [N, K];
    /// PredictedIndex = ArgMax(logits, axis = 1, keepdims = 1) [N, 1] (first maximum on ties, like the engine).
    /// </summary>
    /// <param name="network">(B, F) → (B, K) logits, in inference mode.</param>
    /// <param name="featureCount">F</param>
    /// <param name="classCount">K</param>
    /// <param name="input">Feature standardisation.</param>
    /// <param name="names">Input and output names.</param>
    /// <param name="options">Opset and metadata.</param>
    public static byte[] Classifier(Module network, int featureCount, int classCount, Standardization input,
        SupervisedGraphNames names, OnnxModelOptions options)
    {
        if (names.PredictedIndex is null) throw new ArgumentException("A classifier needs a PredictedIndex output name.", nameof(names));
        var graph = new OnnxGraphBuilder("mlnetdeep_classifier");
        string logits = Body(graph, network, featureCount, input, names.Input);
        graph.AddNodeWithOutputs("Softmax", [logits], [names.Score], OnnxAttribute.Int("axis", -1));
        graph.AddNodeWithOutputs("ArgMax", [logits], [names.PredictedIndex], OnnxAttribute.Int("axis", 1), OnnxAttribute.Int("keepdims", 1));
        graph.AddOutput(names.Score, OnnxElementType.Float, "N", classCount);
        graph.AddOutput(names.PredictedIndex, OnnxElementType.Int64, "N", 1);
        return OnnxModelWriter.Write(graph, options);
    }

    /// <summary>Regressor: Score = network(standardise(x)) · LabelStd + LabelMean, float [N, 1].</summary>
    /// <param name="network">(B, F) → (B, 1) standardised prediction, in inference mode.</param>
    /// <param name="featureCount">F</param>
    /// <param name="input">Feature standardisation.</param>
    /// <param name="labelMean">Mean of the training label.</param>
    /// <param name="labelStd">Standard deviation of the training label.</param>
    /// <param name="names">Input and output names.</param>
    /// <param name="options">Opset and metadata.</param>
    public static byte[] Regressor(Module network, int featureCount, Standardization input, float labelMean, float labelStd,
        SupervisedGraphNames names, OnnxModelOptions options)
    {
        var graph = new OnnxGraphBuilder("mlnetdeep_regressor");
        string standardised = Body(graph, network, featureCount, input, names.Input);
        string scaled = graph.AddNode("Mul", [standardised, graph.Constant([labelStd])]);
        graph.AddNodeWithOutputs("Add", [scaled, graph.Constant([labelMean])], [names.Score]);
        graph.AddOutput(names.Score, OnnxElementType.Float, "N", 1);
        return OnnxModelWriter.Write(graph, options);
    }

    private static string Body(OnnxGraphBuilder graph, Module network, int featureCount, Standardization standardization, string inputName)
    {
        if (standardization.Mean.Length != featureCount || standardization.Std.Length != featureCount)
            throw new ArgumentException($"Standardisation has {standardization.Mean.Length} slots; expected {featureCount}.", nameof(standardization));
        string x = graph.AddInput(inputName, OnnxElementType.Float, "N", featureCount);
        // Same arithmetic as the trainer: subtract, then divide (not multiply by a reciprocal), so values match to the bit.
        string centred = graph.AddNode("Sub", [x, graph.Constant(standardization.Mean, [featureCount])]);
        string scaled = graph.AddNode("Div", [centred, graph.Constant(standardization.Std, [featureCount])]);
        return ModuleExporter.Export(graph, network, scaled);
    }
}
