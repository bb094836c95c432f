using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>CNNs on (C, H, W) images given as CHW vectors: Reshape → the chosen architecture; per-channel standardisation.</summary>
internal sealed class ImageTask(ImageClassifier.Options options) : INetworkTask
{
    private int[] _shape = [];
    private bool _anySize; // the last Build made a network that takes any H, W (SmallCnn with spatial pyramid pooling)

    public TransformerChain<ITransformer>? FitPreprocessing(MLContext ml, IDataView training) => null;

    public IEstimator<ITransformer>? Preprocessing(MLContext ml) => null;

    public FeatureSpec Features(DataViewSchema schema, string paramName)
    {
        int count = SchemaChecks.FeatureCount(schema, options.FeatureColumnName, paramName);
        var type = schema[options.FeatureColumnName].Type;
        int[]? shape = options.ImageShape ?? (type is VectorDataViewType { Dimensions.Length: 3 } v ? v.Dimensions.ToArray() : null);
        if (shape is null)
            throw SchemaChecks.Mismatch(paramName, options.FeatureColumnName, "Vector<Single, C, H, W> (from ExtractPixels) or set ImageShape", type);
        if (shape[0] * shape[1] * shape[2] != count)
            throw SchemaChecks.Mismatch(paramName, options.FeatureColumnName, $"{shape[0] * shape[1] * shape[2]} values for ImageShape ({string.Join(", ", shape)})", type);
        if ((options.ChannelMeans?.Length ?? shape[0]) != shape[0] || (options.ChannelStds?.Length ?? shape[0]) != shape[0])
            throw new ArgumentOutOfRangeException(nameof(ImageClassifier.Options.ChannelMeans), $"The images have {shape[0]} channels; give one mean and one standard deviation per channel.");
        _shape = shape;
        return new FeatureSpec(FeatureKind.Dense, count);
    }

    public void CheckFeatures(SchemaShape schema) => SchemaChecks.Features(schema, options.FeatureColumnName);

    public string OnnxInputColumn => options.FeatureColumnName;

    public DataScan Statistics(DataScan scan) => scan.PerChannel(_shape[0], options.ChannelMeans, options.ChannelStds);

    public Module Build(SupervisedColumns columns, Rng rng) => Network(_shape, columns.ClassCount, rng);

    private Sequential Network(int[] shape, int classes, Rng rng)
    {
        int c = shape[0];
        _anySize = options.Network == ImageNetwork.SmallCnn && options.SmallCnn.SpatialPyramidLevels is not null;
        Module body = options.Network switch
        {
            ImageNetwork.ResNet => ResNet.Build(c, classes, options.ResNet, rng),
            ImageNetwork.DenseNet => DenseNet.Build(c, classes, options.DenseNet, rng),
            _ => SmallCnn.Build(c, classes, options.SmallCnn with { InputHeight = shape[1], InputWidth = shape[2] }, rng),
        };
        return new Sequential(new Reshape(shape), body);
    }

    public IGraphInput GraphInput(SupervisedColumns columns, DataScan scan)
    {
        var (mean, std) = ChannelStatistics(columns, scan);
        return new ImageGraphInput(OnnxInputColumn, _shape[0], _shape[1], _shape[2], mean, std);
    }

    /// <summary>(C) means and standard deviations: <see cref="Statistics"/> made every slot of a channel equal, so read each plane's first.</summary>
    private (float[] Mean, float[] Std) ChannelStatistics(SupervisedColumns columns, DataScan scan)
    {
        int c = _shape[0], plane = columns.FeatureCount / c;
        return (Enumerable.Range(0, c).Select(i => scan.FeatureMean[i * plane]).ToArray(),
            Enumerable.Range(0, c).Select(i => scan.FeatureStd[i * plane]).ToArray());
    }

    /// <summary>
    /// The network <paramref name="fitted"/> trained, without the Reshape that fixes its input size, when it takes images of
    /// any size (SmallCnn with spatial pyramid pooling); null otherwise.
    /// </summary>
    public AnySizeImageNetwork? AnySize(FittedNetwork fitted)
    {
        if (!_anySize) return null;
        var (mean, std) = ChannelStatistics(fitted.Columns, fitted.Scan);
        var body = ((Sequential)fitted.Network).Children[1]; // [Reshape(C, H, W), body]: the body takes (B, C, H, W) of any H, W
        return new AnySizeImageNetwork(body, mean, std, SmallCnn.MinimumInputSize, fitted);
    }

    public (IGraphInput Input, Module Network) Stub(int outputs)
    {
        // Schema propagation needs only the signature; a one-pixel image keeps the stub tiny.
        var rng = new Rng(0);
        return (new ImageGraphInput(OnnxInputColumn, 1, 1, 1, [0f], [1f]), new Sequential(new Flatten(), new Linear(1, outputs, rng)));
    }

    public IReadOnlyList<string> TemporaryColumns => [];

    public IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>
    {
        ["architecture"] = options.Network.ToString().ToLowerInvariant(),
        ["image_shape"] = string.Join(",", _shape),
    };
}
