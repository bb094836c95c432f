using System.Globalization;
using MlNetDeep.Engine.Preprocessing;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// Images of any size, for networks that accept any H, W (e.g. SmallCnn with spatial pyramid pooling). ML.NET cannot
/// hand an unsized image to ONNX Runtime as [N, C, H, W], so the image arrives flat with its size:
/// <list type="bullet">
/// <item><see cref="PixelsName"/> float [N, L]: L = P·H·W values, P planes in a fixed order (planar, row-major);</item>
/// <item><see cref="SizeName"/> int64 [N, 2]: (H, W). All rows of one run share the first row's size (ML.NET runs one row at a time).</item>
/// </list>
/// The graph reshapes to [N, P, H, W], gathers the <see cref="Channels"/> the network was trained on (in training order),
/// applies ML.NET ExtractPixels' arithmetic (v − offset) · scale, then the per-channel standardisation of <see cref="ImageGraphInput"/>.
/// </summary>
/// <param name="PixelsName">Flat pixels input name.</param>
/// <param name="SizeName">(H, W) input name.</param>
/// <param name="Planes">P, planes per image in <see cref="PixelsName"/>.</param>
/// <param name="Channels">(C) plane index of each network channel, in the network's channel order.</param>
/// <param name="Preprocessing">The model's preprocessing, with (C) statistics.</param>
internal sealed record AnySizeImageGraphInput(string PixelsName, string SizeName, int Planes, int[] Channels, FeaturePreprocessing Preprocessing)
    : IGraphInput
{
    /// <summary>Smallest H and W the network accepts, stated in the metadata. <value>Default 1.</value></summary>
    public int MinimumSize { get; init; } = 1;

    /// <summary>Subtracted from every value before <see cref="Scale"/> (ExtractPixels' offsetImage). <value>Default 0.</value></summary>
    public float Offset { get; init; }

    /// <summary>Multiplies every value after <see cref="Offset"/> (ExtractPixels' scaleImage). <value>Default 1.</value></summary>
    public float Scale { get; init; } = 1f;

    /// <inheritdoc/>
    public GraphInputValues Add(OnnxGraphBuilder graph)
    {
        if (Planes < 1) throw new ArgumentOutOfRangeException(nameof(Planes), Planes, "Needs at least one plane.");
        if (Channels.Length == 0 || Channels.Any(c => c < 0 || c >= Planes))
            throw new ArgumentOutOfRangeException(nameof(Channels), $"Channels must be plane indices in [0, {Planes}), got [{string.Join(", ", Channels)}].");
        if (Preprocessing.Groups != Channels.Length)
            throw new ArgumentException($"{Channels.Length} channels but {Preprocessing.Groups} channel means.", nameof(Preprocessing));
        string pixels = graph.AddInput(PixelsName, OnnxElementType.Float, "N", "L");
        string size = graph.AddInput(SizeName, OnnxElementType.Int64, "N", 2);

        // (H, W) of the first row → target shape (−1, P, H, W); Reshape fails if L ≠ P·H·W.
        string hw = graph.AddNode("Gather", [size, graph.ScalarConstant(0L)], OnnxAttribute.Int("axis", 0));
        string shape = graph.AddNode("Concat", [graph.Constant([-1L, Planes]), hw], OnnxAttribute.Int("axis", 0));
        string x = graph.AddNode("Reshape", [pixels, shape]);                                   // (N, P, H, W)
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
    public IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>
    {
        ["image_input"] = string.Create(CultureInfo.InvariantCulture,
            $"any size: {PixelsName} = planes {string.Join(",", PlaneNames ?? Enumerable.Range(0, Planes).Select(p => p.ToString(CultureInfo.InvariantCulture)))} of H·W values, {SizeName} = (H, W); channels = planes {string.Join(",", Channels)}, (v - {Offset}) * {Scale}; minimum {MinimumSize}x{MinimumSize}"),
    };
}
