using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
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

    public TransformerChain<ITransformer>? FitPreprocessing(MLContext ml, IDataView training)
    {
        SchemaChecks.Text(training.Schema, options.TextColumnName, "input");
        return TextVocabulary.Fit(ml, training, options.TextColumnName, options.TokenUnit, options.MaximumVocabularySize);
    }

    public IEstimator<ITransformer>? Preprocessing(MLContext ml) =>
        TextVocabulary.Create(ml, options.TextColumnName, options.TokenUnit, options.MaximumVocabularySize);

    public FeatureSpec Features(DataViewSchema schema, string paramName)
    {
        if (schema.GetColumnOrNull(TextVocabulary.TokenColumn) is null) SchemaChecks.Text(schema, options.TextColumnName, paramName);
        int vocabulary = TextVocabulary.VocabularySize(schema);
        return new FeatureSpec(FeatureKind.Tokens, options.MaximumLength, PadId: vocabulary + 1, RejectLongerRows: LongTextRejection.ForFit(options));
    }

    public void CheckFeatures(SchemaShape schema) => SchemaChecks.Text(schema, options.TextColumnName);

    public string OnnxInputColumn => TextVocabulary.TokenColumn;

    public Module Build(SupervisedColumns columns, Rng rng)
    {
        int rows = columns.PadId + 1, k = columns.ClassCount;
        if (options.Network == TextNetwork.Cnn)
            return TextCnn.Build(new TextCnnArchitecture(rows, columns.PadId, columns.FeatureCount, options.EmbeddingSize,
                options.KernelSizes, options.FiltersPerKernel, options.DropoutRate, k, options.TokenDropoutRate, UnknownId, EmbeddingInitStd), rng);
        var encoder = new TextRecurrentEncoder(new Embedding(rows, options.EmbeddingSize, rng, columns.PadId, EmbeddingInitStd),
            options.CreateLayer(options.EmbeddingSize, rng), columns.PadId);
        var modules = new List<Module>();
        if (options.TokenDropoutRate > 0) modules.Add(new TokenDropout(options.TokenDropoutRate, UnknownId, columns.PadId, rng));
        modules.Add(encoder);
        if (options.DropoutRate > 0) modules.Add(new Dropout(options.DropoutRate, rng));
        modules.Add(new Linear(encoder.OutputSize, k, rng));
        return new Sequential(modules.ToArray());
    }

    public IGraphInput GraphInput(SupervisedColumns columns, DataScan scan) => new TokenGraphInput(OnnxInputColumn, columns.FeatureCount, columns.PadId)
    {
        RejectionNodeName = LongTextRejection.NodeName(options),
    };

    public (IGraphInput Input, Module Network) Stub(int outputs)
    {
        var rng = new Rng(0);
        var network = new Sequential(new Embedding(3, 1, rng, 2), new Flatten(), new Linear(options.MaximumLength, outputs, rng));
        return (new TokenGraphInput(OnnxInputColumn, options.MaximumLength, 2), network);
    }

    public IReadOnlyList<string> TemporaryColumns => [TextVocabulary.TokenColumn];

    public IReadOnlyDictionary<string, string> Metadata => options.Network == TextNetwork.Cnn
        ? new Dictionary<string, string>
        {
            ["architecture"] = "textcnn",
            ["tokens"] = options.TokenUnit.ToString(),
            ["maximum_length"] = options.MaximumLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["longer_texts"] = options.LongerTexts.ToString(),
            ["kernel_sizes"] = string.Join(",", options.KernelSizes),
        }
        : new Dictionary<string, string>(options.ArchitectureMetadata)
        {
            ["tokens"] = options.TokenUnit.ToString(),
            ["maximum_length"] = options.MaximumLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["longer_texts"] = options.LongerTexts.ToString(),
        };
}
