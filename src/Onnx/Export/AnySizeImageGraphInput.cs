using System.Globalization;
using MlNetDeep.Engine.Preprocessing;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Images of any size, for networks that accept any H, W (e.g. SmallCnn with spatial pyramid pooling). ML.NET cannot
/// hand an unsized image to ONNX Runtime as [N, C, H, W], so the image arrives flat with its size:
/// <list type="bullet">
/// <item><see cref="PixelsName"/> float [N, L]: L = P·H·W values, P planes in a fixed order (planar, row-major);</item>
/// <item><see cref="SizeName"/> int64 [N, 2]: (H, W), the same in every row of one run.</item>
/// </list>
/// The graph reshapes to [N, P, H, W], gathers the <see cref="Channels"/> the network was trained on (in training order),
/// applies ML.NET ExtractPixels' arithmetic (v − offset) · scale, then the per-channel standardisation of <see cref="ImageGraphInput"/>.
/// </summary>
/// <remarks>
/// <para>
/// One image size per run, so a batch mixing sizes fails in the node named <see cref="MixedSizesNodeName"/> rather than
/// being scored with the first row's size (as it once was, silently, e.g. 6×4 after 4×6: same L). Scoring each row with
/// its own size was weighed and not chosen: [N, L] is rectangular, so rows of different sizes could share it only through
/// a padding convention users of the file would have to follow, and exactness would need the network run once per row in
/// a Loop, outside the <see cref="IGraphInput"/> design (the network follows the input once, for the whole batch) and
/// serialising the batch — for no gain in ML.NET, which scores one row per run.
/// </para>
/// <para>
/// The checks live in the graph so that plain ONNX Runtime (without ML.NET's own checks) fails clearly too:
/// an image smaller than <see cref="MinimumSize"/> in either dimension fails in <see cref="TooSmallNodeName"/>
/// (smaller maps would pool to nothing and score meaninglessly), and a row whose L is not P·H·W fails in
/// <see cref="WrongLengthNodeName"/> (see <see cref="NamedCheckGraph"/>).
/// </para>
/// </remarks>
/// <param name="PixelsName">Flat pixels input name.</param>
/// <param name="SizeName">(H, W) input name.</param>
/// <param name="Planes">P, planes per image in <see cref="PixelsName"/>.</param>
/// <param name="Channels">(C) plane index of each network channel, in the network's channel order.</param>
/// <param name="Preprocessing">The model's preprocessing, with (C) statistics.</param>
internal sealed record AnySizeImageGraphInput(string PixelsName, string SizeName, int Planes, int[] Channels, FeaturePreprocessing Preprocessing)
    : IGraphInput
{
    /// <summary>Smallest H and W the network accepts, stated in the metadata and checked by the graph. <value>Default 1.</value></summary>
    public int MinimumSize { get; init; } = 1;

    /// <summary>Subtracted from every value before <see cref="Scale"/> (ExtractPixels' offsetImage). <value>Default 0.</value></summary>
    public float Offset { get; init; }

    /// <summary>Multiplies every value after <see cref="Offset"/> (ExtractPixels' scaleImage). <value>Default 1.</value></summary>
    public float Scale { get; init; } = 1f;

    /// <summary>Name of the node that fails when an image is smaller than <see cref="MinimumSize"/>, e.g. "Size_has_an_image_smaller_than_4x4_the_network_minimum".</summary>
    public string TooSmallNodeName => string.Create(CultureInfo.InvariantCulture, $"{SizeName}_has_an_image_smaller_than_{MinimumSize}x{MinimumSize}_the_network_minimum");

    /// <summary>Name of the node that fails when the rows of one run have different sizes, e.g. "Size_rows_differ_one_run_takes_images_of_one_size".</summary>
    public string MixedSizesNodeName => $"{SizeName}_rows_differ_one_run_takes_images_of_one_size";

    /// <summary>Name of the node that fails when a row does not hold P·H·W values, e.g. "Pixels_row_length_is_not_4xHxW_of_Size".</summary>
    public string WrongLengthNodeName => string.Create(CultureInfo.InvariantCulture, $"{PixelsName}_row_length_is_not_{Planes}xHxW_of_{SizeName}");

    /// <inheritdoc/>
    public GraphInputValues Add(OnnxGraphBuilder graph)
    {
        if (Planes < 1) throw new ArgumentOutOfRangeException(nameof(Planes), Planes, "Needs at least one plane.");
        if (Channels.Length == 0 || Channels.Any(c => c < 0 || c >= Planes))
            throw new ArgumentOutOfRangeException(nameof(Channels), $"Channels must be plane indices in [0, {Planes}), got [{string.Join(", ", Channels)}].");
        if (Preprocessing.Groups != Channels.Length)
            throw new ArgumentException($"{Channels.Length} channels but {Preprocessing.Groups} channel means.", nameof(Preprocessing));
        if (MinimumSize < 1) throw new ArgumentOutOfRangeException(nameof(MinimumSize), MinimumSize, "The minimum image size must be at least 1.");
        string pixels = graph.AddInput(PixelsName, OnnxElementType.Float, "N", "L");
        string size = graph.AddInput(SizeName, OnnxElementType.Int64, "N", 2);

        // Checks on (N, 2) sizes, each an empty int64 [0] joined into the Reshape's target shape below, so they run first.
        string tooSmall = NamedCheckGraph.Add(graph, graph.AddNode("Less", [size, graph.ScalarConstant((long)MinimumSize)]), TooSmallNodeName);
        string hw = graph.AddNode("Gather", [size, graph.ScalarConstant(0L)], OnnxAttribute.Int("axis", 0));   // (2) first row's (H, W)
        string mixed = NamedCheckGraph.Add(graph, graph.AddNode("Not", [graph.AddNode("Equal", [size, hw])]), MixedSizesNodeName);

        // Target shape (N, P, H, W) with N from the input, never −1: with −1 a row of 2·P·H·W values would silently
        // become two images. The Reshape therefore fails exactly when L ≠ P·H·W.
        string batch = graph.AddNode("Slice", [graph.AddNode("Shape", [pixels]), graph.Constant([0L]), graph.Constant([1L])]);
        string shape = graph.AddNode("Concat", [batch, graph.Constant([(long)Planes]), hw, tooSmall, mixed], OnnxAttribute.Int("axis", 0));
        string x = graph.AddNamedNode(WrongLengthNodeName, "Reshape", [pixels, shape]);            // (N, P, H, W)
        if (!Channels.SequenceEqual(Enumerable.Range(0, Planes)))
            x = graph.AddNode("Gather", [x, graph.Constant(Channels.Select(c => (long)c).ToArray())], OnnxAttribute.Int("axis", 1)); // (N, C, H, W)

        // ExtractPixels computes (v − offset) · scale in float only when offset ≠ 0 or scale ≠ 1; the same two
        // operations here give the same bits (and skipping them when they are the identity changes nothing).
        if (Offset != 0f) x = graph.AddNode("Sub", [x, graph.ScalarConstant(Offset)]);
        if (Scale != 1f) x = graph.AddNode("Mul", [x, graph.ScalarConstant(Scale)]);
        return new GraphInputValues(FeaturePreprocessingGraph.AddPlanes(graph, x, Preprocessing), RowCheck: FeaturePreprocessingGraph.AddRowCheck(graph, pixels, 2));
    }

    /// <summary>Names of the <see cref="Planes"/> in their order, for the metadata. <value>Default "0", "1", ….</value></summary>
    public IReadOnlyList<string>? PlaneNames { get; init; }

    /// <summary>"image_input": how the flat input is laid out, for users of the ONNX file alone.</summary>
    public IReadOnlyDictionary<string, string> Expectations => new Dictionary<string, string>
    {
        [PixelsName] = string.Create(CultureInfo.InvariantCulture,
            $"float32 [N, {Planes}·H·W]: the decoded image's {Planes} planes of H·W values (row-major, 0–255), one plane after another; all rows of one run the same size."),
        [SizeName] = string.Create(CultureInfo.InvariantCulture, $"int64 [N, 2]: (H, W) of each row, at least {MinimumSize}×{MinimumSize}."),
    };

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>
    {
        ["image_input"] = string.Create(CultureInfo.InvariantCulture,
            $"any size: {PixelsName} = planes {string.Join(",", PlaneNames ?? Enumerable.Range(0, Planes).Select(p => p.ToString(CultureInfo.InvariantCulture)))} of H·W values, {SizeName} = (H, W); channels = planes {string.Join(",", Channels)}, (v - {Offset}) * {Scale}; minimum {MinimumSize}x{MinimumSize}; one size per run"),
    };
}
