using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Complete scoring graphs: the input and its preprocessing (<see cref="IGraphInput"/>), the network in inference
/// form, and the task head. Every output has the batch first and rank 2 (ML.NET cannot read rank-0 outputs).
/// </summary>
internal static class SupervisedGraph
{
    /// <summary>
    /// Classifier: <paramref name="scoreName"/> = Softmax(logits, axis = −1) float [N, K];
    /// <paramref name="predictedIndexName"/> = ArgMax(logits, axis = 1, keepdims = 1) int64 [N, 1] (first maximum on ties, like the engine).
    /// A row whose float input holds a NaN or ±∞ gets NaN scores and index −1 (<see cref="GraphInputValues.RowCheck"/>).
    /// </summary>
    /// <param name="network">(B, …) → (B, K) logits, in inference mode.</param>
    /// <param name="input">Graph input and preprocessing.</param>
    /// <param name="classCount">K</param>
    /// <param name="scoreName">Probabilities output name.</param>
    /// <param name="predictedIndexName">Class index output name.</param>
    /// <param name="description">What the file says about the model (doc string and metadata).</param>
    public static byte[] Classifier(Module network, IGraphInput input, int classCount, string scoreName, string predictedIndexName, ModelDescription description)
    {
        var graph = new OnnxGraphBuilder("mlnetdeep_classifier");
        var values = input.Add(graph);
        string logits = ModuleExporter.Export(graph, network, values.Features);
        if (values.RowCheck is { } check)
        {
            // A row with a NaN or ±∞ input: NaN scores and index −1 (which the scoring chain maps to key 0, missing).
            string probabilities = graph.AddNode("Softmax", [logits], OnnxAttribute.Int("axis", -1));
            graph.AddNodeWithOutputs("Add", [probabilities, check], [scoreName]);
            string argMax = graph.AddNode("ArgMax", [logits], OnnxAttribute.Int("axis", 1), OnnxAttribute.Int("keepdims", 1));
            graph.AddNodeWithOutputs("Where", [graph.AddNode("IsNaN", [check]), graph.Constant([-1L]), argMax], [predictedIndexName]);
        }
        else
        {
            graph.AddNodeWithOutputs("Softmax", [logits], [scoreName], OnnxAttribute.Int("axis", -1));
            graph.AddNodeWithOutputs("ArgMax", [logits], [predictedIndexName], OnnxAttribute.Int("axis", 1), OnnxAttribute.Int("keepdims", 1));
        }
        graph.AddOutput(scoreName, OnnxElementType.Float, "N", classCount);
        graph.AddOutput(predictedIndexName, OnnxElementType.Int64, "N", 1);
        return OnnxModelWriter.Write(graph, description.ToModelOptions(input));
    }

    /// <summary>
    /// Regressor: <paramref name="scoreName"/> = network(input) · LabelStd + LabelMean (+ the input's target offset), float [N, 1];
    /// NaN for a row whose input holds a NaN or ±∞ (<see cref="GraphInputValues.RowCheck"/>).
    /// </summary>
    /// <param name="network">(B, …) → (B, 1) standardised prediction, in inference mode.</param>
    /// <param name="input">Graph input and preprocessing.</param>
    /// <param name="labelMean">Mean of the training label.</param>
    /// <param name="labelStd">Standard deviation of the training label.</param>
    /// <param name="scoreName">Output name.</param>
    /// <param name="description">What the file says about the model (doc string and metadata).</param>
    public static byte[] Regressor(Module network, IGraphInput input, float labelMean, float labelStd, string scoreName, ModelDescription description)
    {
        var graph = new OnnxGraphBuilder("mlnetdeep_regressor");
        var values = input.Add(graph);
        string standardised = ModuleExporter.Export(graph, network, values.Features);
        string scaled = graph.AddNode("Mul", [standardised, graph.Constant([labelStd])]);
        // Terms added in order to the scaled prediction; the last Add writes the output.
        string[] terms = [graph.Constant([labelMean]), .. values.TargetOffset is { } offset ? [offset] : Array.Empty<string>(),
            .. values.RowCheck is { } check ? [check] : Array.Empty<string>()];
        string score = scaled;
        for (int i = 0; i < terms.Length - 1; i++) score = graph.AddNode("Add", [score, terms[i]]);
        graph.AddNodeWithOutputs("Add", [score, terms[^1]], [scoreName]);
        graph.AddOutput(scoreName, OnnxElementType.Float, "N", 1);
        return OnnxModelWriter.Write(graph, description.ToModelOptions(input));
    }
}
