using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// Scores encoded images of any size with a network an <see cref="ImageClassifier"/> trained with
/// <see cref="ImageClassifier.Options.SmallCnn"/>.<see cref="SmallCnnArchitecture.SpatialPyramidLevels"/> set;
/// made by <see cref="ImageClassifier.CreateAnySizeScorer"/>. <see cref="Fit"/> learns nothing: it returns a chain of built-in
/// ML.NET transformers (decode the bytes → check the image → ApplyOnnxModel → PredictedLabel) that Save/Load, PredictionEngine
/// and Evaluate handle like the classifier's own model, with the same Score and PredictedLabel columns.
/// </summary>
/// <remarks>
/// | | |
/// |---|---|
/// | Input | Encoded images (PNG, JPEG, BMP, GIF, WebP…) in a Vector&lt;Byte&gt; column, e.g. from mlContext.Transforms.LoadRawImageBytes |
/// | Output | Score: Vector&lt;Single, K&gt; probabilities; PredictedLabel: key with the training label's key values |
/// | Image size | Any H, W ≥ <see cref="MinimumImageSize"/>, never resized; pixels as ExtractPixels would read them with the given settings |
/// | ONNX model | <see cref="OnnxModel"/>: inputs MlNetDeep_ImagePixels float [N, 4·H·W] (planes R, G, B, A, each row-major, 0..255) and MlNetDeep_ImageSize int64 [N, 2] = (H, W), one size for all N rows of a run |
///
/// A row whose bytes are empty (e.g. LoadRawImageBytes of an empty path) or not an image, or whose image is smaller than
/// <see cref="MinimumImageSize"/>, fails with an <see cref="InvalidOperationException"/> naming the image column (and the
/// minimum size). A missing file fails earlier, in LoadRawImageBytes, naming the path. Each row is one ONNX Runtime run.
/// Used alone, the ONNX model checks for itself: an image below the minimum, rows of different sizes in one run, or a row
/// that does not hold 4·H·W values fail in ONNX Runtime with an error quoting a node named after the problem.
/// </remarks>
public sealed class AnySizeImageScorer : IEstimator<TransformerChain<ITransformer>>
{
    private readonly MLContext _ml;
    private readonly AnySizeImageNetwork _network;

    internal AnySizeImageScorer(MLContext ml, AnySizeImageNetwork network, string imageBytesColumnName, int[] planes, float offset, float scale)
    {
        _ml = ml;
        _network = network;
        ImageBytesColumnName = imageBytesColumnName;
        OnnxModel = network.Export(planes, offset, scale);
    }

    /// <summary>The network and its training statistics (for tests comparing with the engine).</summary>
    internal AnySizeImageNetwork Network => _network;

    /// <summary>The encoded-image column read.</summary>
    public string ImageBytesColumnName { get; }

    /// <summary>Smallest height and width the network accepts (4 for SmallCnn: two 2×2 max pools).</summary>
    public int MinimumImageSize => _network.MinimumSize;

    /// <summary>The ONNX model the chain applies (usable from any ONNX Runtime; see the remarks for its inputs).</summary>
    public byte[] OnnxModel { get; }

    /// <summary>Returns the scoring chain (nothing is trained; rows are not read).</summary>
    /// <param name="input">Data with the encoded-image column.</param>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or is not a vector of Byte.</exception>
    public TransformerChain<ITransformer> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var type = SchemaChecks.Find(input.Schema, ImageBytesColumnName, nameof(input)).Type;
        if (type is not VectorDataViewType { ItemType: var item, IsKnownSize: false } || item != NumberDataViewType.Byte)
            throw SchemaChecks.Mismatch(nameof(input), ImageBytesColumnName, "Vector<Byte> of encoded image bytes (use mlContext.Transforms.LoadRawImageBytes)", type);
        return ScoringChain.Fit(_ml, OnnxModel, Chain, input, _network.Fitted.Scoring);
    }

    /// <summary>The schema after scoring: adds Score and PredictedLabel.</summary>
    /// <param name="inputSchema">Schema of the data to score.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var column = SchemaChecks.Find(inputSchema, ImageBytesColumnName);
        if (column.ItemType != NumberDataViewType.Byte || column.Kind != SchemaShape.Column.VectorKind.VariableVector)
            throw SchemaChecks.Mismatch("inputSchema", ImageBytesColumnName, "Vector<Byte> of encoded image bytes (use mlContext.Transforms.LoadRawImageBytes)",
                $"{column.Kind} of {column.ItemType}");
        return ScoringChain.OutputSchema(OnnxModel, Chain, inputSchema);
    }

    private IEstimator<ITransformer> Chain(OnnxModelSource model)
    {
        var fitted = _network.Fitted;
        return ScoringChain.AnySizeImageClassifier(_ml, model, ImageBytesColumnName, MinimumImageSize, MinimumImageSize, fitted.ScoreColumn,
            fitted.PredictedLabelColumn!, fitted.LabelKeyValues!, fitted.Scoring, fitted.Warn);
    }
}
