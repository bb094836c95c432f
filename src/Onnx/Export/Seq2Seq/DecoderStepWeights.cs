using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Names of the decoder-step weights, added once as initializers of the main graph so that the <c>Loop</c> body (a
/// subgraph, which sees the main graph's values) and a standalone step graph read the same tensors. Layouts are the
/// engine's: Gemm weights (out, in) with transB = 1, the decoder's W (1, G·H, I), R (1, G·H, H), B (1, 2·G·H).
/// </summary>
internal sealed record DecoderStepWeights(Seq2Seq Model, string TargetEmbedding, string DecoderW, string DecoderR, string DecoderB,
    string? QueryProjection, string? ScoreVector, string CombineWeight, string CombineBias, string OutputWeight, string OutputBias)
{
    /// <summary>Adds the initializers to <paramref name="graph"/>.</summary>
    /// <param name="graph">The main graph.</param>
    /// <param name="model">Trained network.</param>
    public static DecoderStepWeights Add(OnnxGraphBuilder graph, Seq2Seq model)
    {
        var decoder = model.Decoder;
        int gh = Ops.GateCount(decoder.Cell) * decoder.HiddenSize;
        string Init(string name, Tensor t, params long[] dims) => graph.AddInitializer(graph.UniqueName(name), t.Span, dims);
        string Matrix(string name, Linear linear) => Init(name, linear.Weight, linear.OutFeatures, linear.InFeatures);
        var attention = model.Attention;
        return new DecoderStepWeights(model,
            Init("target_embedding", model.TargetEmbedding.Weight, model.TargetEmbedding.VocabularySize, model.TargetEmbedding.EmbeddingSize),
            Init("decoder_W", decoder.InputWeights[0], 1, gh, decoder.InputSize),
            Init("decoder_R", decoder.RecurrentWeights[0], 1, gh, decoder.HiddenSize),
            Init("decoder_B", decoder.Biases[0], 1, 2 * gh),
            attention.QueryProjection is null ? null : Matrix("attention_query", attention.QueryProjection),
            attention.ScoreVector is null ? null : Init("attention_v", attention.ScoreVector, attention.ScoreVector.Length, 1),
            Matrix("combine_weight", model.Combine), Init("combine_bias", model.Combine.Bias!, model.Combine.OutFeatures),
            Matrix("output_weight", model.Output), Init("output_bias", model.Output.Bias!, model.Output.OutFeatures));
    }
}
