using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Engine.Preprocessing;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>CNNs on (C, H, W) images given as CHW vectors: Reshape → the chosen architecture; per-channel standardisation.</summary>
internal sealed class ImageTask(ImageClassifier.Options options) : INetworkTask
{
    public string OnnxInputColumn => options.FeatureColumnName;

    public FeatureInput DescribeInput(DataViewSchema schema, string paramName)
    {
        int count = SchemaChecks.FeatureCount(schema, options.FeatureColumnName, paramName);
        var type = schema[options.FeatureColumnName].Type;
        int[]? dimensions = type is VectorDataViewType { Dimensions.Length: 3 } v ? v.Dimensions.ToArray() : null;
        int[]? shape = options.ImageShape ?? dimensions;
        if (shape is null)
            throw SchemaChecks.Mismatch(paramName, options.FeatureColumnName, "Vector<Single, C, H, W> (from ExtractPixels) or set ImageShape", type);
        string expected = $"(C, H, W) = ({string.Join(", ", shape)})";
        if (shape[0] * shape[1] * shape[2] != count)
            throw SchemaChecks.Mismatch(paramName, options.FeatureColumnName,
                $"ImageShape {expected}, {shape[0] * shape[1] * shape[2]} values", $"{Shape(dimensions, count)}, {type}");
        if (dimensions is not null && !dimensions.SequenceEqual(shape))
            throw SchemaChecks.Mismatch(paramName, options.FeatureColumnName,
                $"ImageShape {expected} (the column's own shape, as ExtractPixels gives it: channels first)", $"{Shape(dimensions, count)}, {type}");
        if ((options.ChannelMeans?.Length ?? shape[0]) != shape[0] || (options.ChannelStds?.Length ?? shape[0]) != shape[0])
            throw new ArgumentOutOfRangeException(nameof(ImageClassifier.Options.ChannelMeans),
                $"The images in column '{options.FeatureColumnName}' have shape {expected}, {shape[0]} channels, but " +
                $"{options.ChannelMeans?.Length ?? shape[0]} ChannelMeans and {options.ChannelStds?.Length ?? shape[0]} ChannelStds are given: give one mean and one standard deviation per channel.");
        if (options.Augmentation is { } augmentation)
        {
            try { augmentation.CheckImage(shape[1], shape[2]); }
            catch (ArgumentException ex) { throw OptionError.Restate(nameof(ImageClassifier.Options.Augmentation), ex); }
        }
        return new FeatureInput(OnnxInputColumn, count, Shape: shape);
    }

    private static string Shape(int[]? dimensions, int count) => dimensions is null ? $"{count} values" : $"shape ({string.Join(", ", dimensions)}), {count} values";

    public NetworkSummary? CheckNetwork(SupervisedColumns columns) =>
        options.CustomNetwork is { } network ? CustomNetworkCheck.Run(network, [.. columns.Input.Shape!], columns) : null;

    public TaskModel Build(SupervisedColumns columns, DataScan scan, Rng rng)
    {
        var shape = columns.Input.Shape!;
        int c = shape[0], classes = columns.ClassCount;
        Module body = options.CustomNetwork is { } custom ? custom.Build([.. shape], rng) : options.Network switch
        {
            ImageNetwork.ResNet => ResNet.Build(c, classes, options.ResNet, rng),
            ImageNetwork.DenseNet => DenseNet.Build(c, classes, options.DenseNet, rng),
            _ => SmallCnn.Build(c, classes, options.SmallCnn with { InputHeight = shape[1], InputWidth = shape[2] }, rng),
        };
        var preprocessing = scan.PerChannel(c, options.ChannelMeans, options.ChannelStds);
        return new TaskModel(new Sequential(new Reshape([.. shape]), body), preprocessing,
            new ImageGraphInput(OnnxInputColumn, c, shape[1], shape[2], preprocessing), Architecture(shape))
        {
            // The body alone takes (B, C, H, W) of any H, W when spatial pyramid pooling ends its feature maps.
            AnySizeBody = options.CustomNetwork is null && options.Network == ImageNetwork.SmallCnn && options.SmallCnn.SpatialPyramidLevels is not null ? body : null,
        };
    }

    public void CheckInput(SchemaShape schema) => SchemaChecks.Features(schema, options.FeatureColumnName);

    public TaskModel Stub(int outputs)
    {
        // Schema propagation needs only the signature; a one-pixel image keeps the stub tiny.
        int[] shape = [1, 1, 1];
        return new TaskModel(new Sequential(new Flatten(), new Linear(1, outputs, new Rng(0))), null,
            new ImageGraphInput(OnnxInputColumn, 1, 1, 1, new FeaturePreprocessing([0f], [1f])), Architecture(shape));
    }

    private Dictionary<string, string> Architecture(IReadOnlyList<int> shape)
    {
        var entries = options.CustomNetwork is { } custom ? CustomNetworkCheck.Architecture(custom)
            : new Dictionary<string, string> { ["architecture"] = options.Network.ToString().ToLowerInvariant() };
        entries["image_shape"] = string.Join(",", shape);
        return entries;
    }
}
