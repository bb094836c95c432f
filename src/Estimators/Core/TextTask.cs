using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Models.Custom;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// Networks on text: the vocabulary (built-in transforms) gives keys 1..V (0 unknown); the trainer and the graph pad
/// with id V + 1, so the embedding has V + 2 rows and the pad row stays zero.
/// </summary>
internal sealed class TextTask(TextClassifier.Options options) : INetworkTask
{
    /// <summary>MapValueToKey maps tokens not seen in training to key 0.</summary>
    private const int UnknownId = 0;

    /// <summary>
    /// Small random embeddings (Keras-like) for text trained from scratch: on the sentiment example N(0, 1) gave 72 %
    /// test accuracy and N(0, 0.05²) 82 % (same split and settings), as large vectors make the first steps overconfident.
    /// </summary>
    private const float EmbeddingInitStd = 0.05f;

    public string OnnxInputColumn => TextVocabulary.TokenColumn;

    public TransformerChain<ITransformer>? FitPreprocessing(MLContext ml, IDataView training)
    {
        SchemaChecks.Text(training.Schema, options.TextColumnName, "input");
        return TextVocabulary.Fit(ml, training, options.TextColumnName, options.TokenUnit, options.MaximumVocabularySize);
    }

    public void CheckTrainingContent(DataViewSchema schema)
    {
        // MapValueToKey over no tokens at all gives one key without values: every text is empty (or, for words, punctuation only).
        if (schema[TextVocabulary.TokenColumn].Annotations.Schema.GetColumnOrNull("KeyValues") is null)
            throw new ArgumentOutOfRangeException("input", $"Column '{options.TextColumnName}' has no {(options.TokenUnit == TokenUnit.Words ? "words" : "characters")} " +
                $"in any row of the training data: every text is empty{(options.TokenUnit == TokenUnit.Words ? " or punctuation only" : "")}, so there is nothing to learn from.");
    }

    public FeatureInput DescribeInput(DataViewSchema schema, string paramName)
    {
        if (schema.GetColumnOrNull(TextVocabulary.TokenColumn) is null) SchemaChecks.Text(schema, options.TextColumnName, paramName);
        int vocabulary = TextVocabulary.VocabularySize(schema);
        return new FeatureInput(OnnxInputColumn, options.MaximumLength, FeatureKind.Tokens, PadId: vocabulary + 1, RejectLongerRows: LongTextRejection.ForFit(options));
    }

    public TextInputDescription DescribeText(DataViewSchema schema)
    {
        var column = schema[TextVocabulary.TokenColumn];
        VBuffer<ReadOnlyMemory<char>> keys = default;
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") is not null) column.GetKeyValues(ref keys);
        string normalization = options.TokenUnit == TokenUnit.Words
            ? "lower-case (ML.NET NormalizeText: diacritics and numbers kept, punctuation removed), then split on spaces"
            : "lower-case (ML.NET NormalizeText: diacritics, punctuation and numbers kept), then one token per UTF-16 code unit";
        return new TextInputDescription(options.TokenUnit == TokenUnit.Words ? "words" : "characters", normalization,
            keys.DenseValues().Select(k => options.TokenUnit == TokenUnit.Words ? k.ToString() : CharacterTokens.ToCharacter(k.ToString())).ToArray(), options.MaximumLength, options.LongerTexts.ToString().ToLowerInvariant(),
            TextVocabulary.VocabularySize(schema) + 1);
    }

    // Ids 0..PadId: the unknown key 0, the vocabulary's keys 1..V, and the pad V + 1 (the embedding's zero row).
    public NetworkSummary? CheckNetwork(SupervisedColumns columns) =>
        options.CustomNetwork is { } network ? CustomNetworkCheck.Run(network, [columns.Input.Count], columns, Tokens(columns.Input)) : null;

    private static TokenInput Tokens(FeatureInput input) => new(input.PadId + 1, input.PadId, EmbeddingInitStd);

    public TaskModel Build(SupervisedColumns columns, DataScan scan, Rng rng)
    {
        var input = columns.Input;
        var graphInput = new TokenGraphInput(OnnxInputColumn, input.Count, input.PadId) { RejectionNodeName = LongTextRejection.NodeName(options) };
        return new TaskModel(Network(input, columns.ClassCount, rng), null, graphInput, Architecture);
    }

    private Module Network(FeatureInput input, int classes, Rng rng)
    {
        if (options.CustomNetwork is null && options.Network == TextNetwork.Cnn)
            return TextCnn.Build(new TextCnnSpec(input.PadId + 1, input.PadId, input.Count, options.EmbeddingSize,
                options.Cnn.KernelSizes, options.Cnn.FiltersPerKernel, options.Cnn.DropoutRate, classes, options.TokenDropoutRate, UnknownId, EmbeddingInitStd), rng);
        var body = (options.CustomNetwork ?? NetworkPresets.TextRecurrent(options.EmbeddingSize, options.Recurrent.Stack, classes))
            .Build([input.Count], rng, Tokens(input));
        // Token dropout replaces ids by the unknown one (never by the pad), so a recurrent layer's lengths stay the texts'.
        return TokenDropout.Before(body, options.TokenDropoutRate, UnknownId, input.PadId, rng);
    }

    public IEstimator<ITransformer>? Preprocessing(MLContext ml) =>
        TextVocabulary.Create(ml, options.TextColumnName, options.TokenUnit, options.MaximumVocabularySize);

    public void CheckInput(SchemaShape schema) => SchemaChecks.Text(schema, options.TextColumnName);

    public TaskModel Stub(int outputs)
    {
        var rng = new Rng(0);
        var network = new Sequential(new Embedding(3, 1, rng, 2), new Flatten(), new Linear(options.MaximumLength, outputs, rng));
        return new TaskModel(network, null, new TokenGraphInput(OnnxInputColumn, options.MaximumLength, 2), Architecture);
    }

    public IReadOnlyList<string> TemporaryColumns => [TextVocabulary.TokenColumn];

    private Dictionary<string, string> Architecture => options.CustomNetwork is { } custom
        ? new Dictionary<string, string>(CustomNetworkCheck.Architecture(custom))
        {
            ["tokens"] = options.TokenUnit.ToString(),
            ["maximum_length"] = options.MaximumLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["longer_texts"] = options.LongerTexts.ToString(),
        }
        : options.Network == TextNetwork.Cnn
        ? new Dictionary<string, string>
        {
            ["architecture"] = "textcnn",
            ["tokens"] = options.TokenUnit.ToString(),
            ["maximum_length"] = options.MaximumLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["longer_texts"] = options.LongerTexts.ToString(),
            ["kernel_sizes"] = string.Join(",", options.Cnn.KernelSizes),
        }
        : new Dictionary<string, string>(options.Recurrent.Metadata)
        {
            ["tokens"] = options.TokenUnit.ToString(),
            ["maximum_length"] = options.MaximumLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["longer_texts"] = options.LongerTexts.ToString(),
        };
}
