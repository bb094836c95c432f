using Microsoft.ML;
using Microsoft.ML.Transforms.Image;
using MlNetDeep.Engine.Models;

namespace MlNetDeep;

/// <summary>
/// Image classifier: a CNN trained by MlNetDeep's engine on planar CHW pixels (ImageAnalytics' LoadImages →
/// ResizeImages → ExtractPixels, or any known-size Single vector with <see cref="Options.ImageShape"/>), exported to
/// ONNX with per-channel normalisation inside the graph, scored by ONNX Runtime inside ML.NET.
/// </summary>
/// <remarks>
/// | | |
/// |---|---|
/// | Machine learning task | Multiclass classification |
/// | Input | Features: Vector&lt;Single, C, H, W&gt; (or C·H·W values with ImageShape); Label: key |
/// | Output | Score: class probabilities; PredictedLabel: key with the label's key values |
/// | Exportable to ONNX | Yes: input float [N, C, H, W] |
///
/// A vector of another size at scoring time fails on the first row with ONNX Runtime's shape message naming the column.
///
/// Images of any size: with <see cref="Options.SmallCnn"/>.<see cref="SmallCnnArchitecture.SpatialPyramidLevels"/> set, the
/// network turns feature maps of any size into the same features. ExtractPixels still needs one size for training, but after
/// Fit, <see cref="CreateAnySizeScorer"/> scores encoded images (LoadRawImageBytes) at their own size, without resizing, in a
/// chain of built-in transformers that saves and loads like this estimator's model.
/// </remarks>
public sealed class ImageClassifier : NetworkEstimator
{
    /// <summary>Options of <see cref="ImageClassifier"/>.</summary>
    public sealed class Options : TrainerOptions
    {
        /// <summary>Defaults of the options declared here; the training defaults are in <see cref="TrainerOptions.Defaults"/>.</summary>
        public new static class Defaults
        {
            /// <summary>SmallCnn.</summary>
            public const ImageNetwork Network = ImageNetwork.SmallCnn;
        }

        /// <summary>Pixels in CHW order: Vector&lt;Single, C, H, W&gt; from ExtractPixels, or C·H·W values. <value>Default "Features".</value></summary>
        public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

        /// <summary>Output key column. <value>Default "PredictedLabel".</value></summary>
        public string PredictedLabelColumnName { get; set; } = DefaultColumnNames.PredictedLabel;

        /// <summary>(C, H, W) of each image; null reads it from the column's dimensions. <value>Default null.</value></summary>
        public int[]? ImageShape { get; set; }

        /// <summary>Per-channel means to subtract (C values), e.g. ImageNet's; null learns them from the training images. <value>Default null.</value></summary>
        public float[]? ChannelMeans { get; set; }

        /// <summary>Per-channel standard deviations to divide by (C positive values); null learns them. <value>Default null.</value></summary>
        public float[]? ChannelStds { get; set; }

        /// <summary>
        /// Random changes to each training image, drawn anew every epoch and never applied to validation or scoring: random
        /// crop with zero padding, horizontal flip, translation with reflected borders; null changes nothing. <value>Default null.</value>
        /// </summary>
        public ImageAugmentation? Augmentation { get; set; }

        /// <inheritdoc/>
        private protected override ImageAugmentation? TrainingAugmentation => Augmentation;

        /// <summary>
        /// A network of your own (<see cref="NetworkDefinition"/>: Conv2d, pooling, BatchNorm, Flatten, Dense, …) for images
        /// (C, H, W), used instead of <see cref="Network"/>. It must end with one output per class. Checked, and its summary
        /// logged, before any data is read; null builds the built-in architecture. <value>Default null.</value>
        /// </summary>
        public NetworkDefinition? CustomNetwork { get; set; }

        /// <summary>Architecture. <value>Default SmallCnn.</value></summary>
        public ImageNetwork Network { get; set; } = Defaults.Network;

        /// <summary>SmallCnn settings (its input size is set from the images). <value>Defaults of <see cref="SmallCnnArchitecture"/>.</value></summary>
        public SmallCnnArchitecture SmallCnn { get; set; } = new();

        /// <summary>ResNet settings (the defaults are the benchmark's "resnet-small"). <value>Defaults of <see cref="ResNetArchitecture"/>.</value></summary>
        public ResNetArchitecture ResNet { get; set; } = new();

        /// <summary>DenseNet settings. <value>Defaults of <see cref="DenseNetArchitecture"/>.</value></summary>
        public DenseNetArchitecture DenseNet { get; set; } = new();

        private protected override void CopyArrays()
        {
            CustomNetwork = CustomNetwork?.Clone();
            ImageShape = (int[]?)ImageShape?.Clone();
            ChannelMeans = (float[]?)ChannelMeans?.Clone();
            ChannelStds = (float[]?)ChannelStds?.Clone();
            // The records are immutable, but their lists may be the caller's arrays.
            SmallCnn = SmallCnn is null ? null! : SmallCnn with { SpatialPyramidLevels = SmallCnn.SpatialPyramidLevels?.ToArray() };
            ResNet = ResNet is null ? null! : ResNet with { StageChannels = ResNet.StageChannels?.ToArray()!, BlocksPerStage = ResNet.BlocksPerStage?.ToArray()! };
            DenseNet = DenseNet is null ? null! : DenseNet with { LayersPerBlock = DenseNet.LayersPerBlock?.ToArray()! };
        }

        internal override void Check()
        {
            base.Check();
            CheckName(FeatureColumnName, nameof(FeatureColumnName));
            CheckName(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
            if (!Enum.IsDefined(Network)) throw new ArgumentOutOfRangeException(nameof(Network), Network, "Unknown image network.");
            if (ImageShape is not null && (ImageShape.Length != 3 || ImageShape.Any(d => d < 1)))
                throw new ArgumentOutOfRangeException(nameof(ImageShape), $"ImageShape must be three positive sizes (C, H, W), got [{string.Join(", ", ImageShape)}].");
            if (ChannelStds is not null && ChannelStds.Any(s => !(s > 0 && float.IsFinite(s))))
                throw new ArgumentOutOfRangeException(nameof(ChannelStds), "ChannelStds must be positive finite numbers.");
            if (ChannelMeans is not null && ChannelMeans.Any(m => !float.IsFinite(m)))
                throw new ArgumentOutOfRangeException(nameof(ChannelMeans), "ChannelMeans must be finite numbers.");
            if (ChannelMeans is not null && ChannelStds is not null && ChannelMeans.Length != ChannelStds.Length)
                throw new ArgumentOutOfRangeException(nameof(ChannelStds), $"ChannelMeans has {ChannelMeans.Length} values and ChannelStds {ChannelStds.Length}; give one per channel.");
            if (Augmentation is not null) CheckPart(nameof(Augmentation), Augmentation, a => a.Check());
            CheckPart(nameof(SmallCnn), SmallCnn, a => a.Check());
            CheckPart(nameof(ResNet), ResNet, a => a.Check());
            CheckPart(nameof(DenseNet), DenseNet, a => a.Check());
        }
    }

    /// <summary>ExtractPixels' own defaults, which <see cref="CreateAnySizeScorer"/> repeats.</summary>
    public static class ExtractPixelsDefaults
    {
        /// <summary>Red, green and blue.</summary>
        public const ImagePixelExtractingEstimator.ColorBits ColorsToExtract = ImagePixelExtractingEstimator.ColorBits.Rgb;

        /// <summary>A, R, G, B (so Rgb gives R, G, B).</summary>
        public const ImagePixelExtractingEstimator.ColorsOrder OrderOfExtraction = ImagePixelExtractingEstimator.ColorsOrder.ARGB;

        /// <summary>No offset.</summary>
        public const float OffsetImage = 0f;

        /// <summary>No scaling (values 0..255).</summary>
        public const float ScaleImage = 1f;
    }

    private readonly MLContext _ml;
    private AnySizeImageNetwork? _anySize;

    internal ImageClassifier(MLContext ml, Options options)
        : base(ml, options, o => new ImageTask((Options)o), "MlNetDeep.ImageClassifier", options?.PredictedLabelColumnName)
    {
        _ml = ml;
    }

    private protected override void OnFitted(FittedNetwork network) => _anySize = AnySizeImageNetwork.Of(network, Engine.Models.SmallCnn.MinimumInputSize);

    /// <summary>
    /// Scores images of any size with the network the last <see cref="NetworkEstimator.Fit"/> trained, without resizing: append
    /// the returned estimator to mlContext.Transforms.LoadRawImageBytes (or any Vector&lt;Byte&gt; column of encoded images).
    /// Needs <see cref="Options.SmallCnn"/>.<see cref="SmallCnnArchitecture.SpatialPyramidLevels"/> (spatial pyramid pooling
    /// turns maps of any size into the same features). Pass the settings of the ExtractPixels that fed the training so the
    /// pixels match; channel statistics, classes, Score and PredictedLabel columns are those of the Fit.
    /// </summary>
    /// <example>
    /// <code>
    /// var scorer = trainer.CreateAnySizeScorer("ImageBytes");  // after pipeline.Fit trained the trainer
    /// var anySize = ml.Transforms.LoadRawImageBytes("ImageBytes", folder, "Path").Append(scorer)
    ///     .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedShape", "PredictedLabel")).Fit(data);
    /// </code>
    /// </example>
    /// <param name="imageBytesColumnName">Vector&lt;Byte&gt; column of encoded images (PNG, JPEG, BMP, GIF, WebP…).</param>
    /// <param name="colorsToExtract">ExtractPixels' colorsToExtract at training. <value>Default Rgb.</value></param>
    /// <param name="orderOfExtraction">ExtractPixels' orderOfExtraction at training. <value>Default ARGB.</value></param>
    /// <param name="offsetImage">ExtractPixels' offsetImage at training. <value>Default 0.</value></param>
    /// <param name="scaleImage">ExtractPixels' scaleImage at training. <value>Default 1.</value></param>
    /// <returns>An estimator whose Fit returns built-in transformers only (see <see cref="AnySizeImageScorer"/>).</returns>
    /// <exception cref="InvalidOperationException">No Fit has succeeded yet, or the network was not trained with SpatialPyramidLevels.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The colours select another number of channels than the network was trained on, or offset/scale are not finite (scale ≠ 0).</exception>
    public AnySizeImageScorer CreateAnySizeScorer(string imageBytesColumnName,
        ImagePixelExtractingEstimator.ColorBits colorsToExtract = ExtractPixelsDefaults.ColorsToExtract,
        ImagePixelExtractingEstimator.ColorsOrder orderOfExtraction = ExtractPixelsDefaults.OrderOfExtraction,
        float offsetImage = ExtractPixelsDefaults.OffsetImage, float scaleImage = ExtractPixelsDefaults.ScaleImage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(imageBytesColumnName);
        if (LastTrainingReport is null)
            throw new InvalidOperationException($"{nameof(CreateAnySizeScorer)} uses the trained network: call Fit first.");
        var network = _anySize ?? throw new InvalidOperationException(
            $"Scoring images of any size needs a network that accepts them: set {nameof(Options)}.{nameof(Options.SmallCnn)}.{nameof(SmallCnnArchitecture.SpatialPyramidLevels)} " +
            $"(e.g. [1, 2, 4]) with {nameof(Options.Network)} = {nameof(ImageNetwork.SmallCnn)} and train again; the last Fit trained a fixed-size network.");
        int[] planes = PixelPlanes.Of(colorsToExtract, orderOfExtraction);
        if (planes.Length != network.Channels)
            throw new ArgumentOutOfRangeException(nameof(colorsToExtract), colorsToExtract,
                $"The network was trained on {network.Channels} channels but {colorsToExtract} selects {planes.Length}; pass the colours of the ExtractPixels used in training.");
        if (!float.IsFinite(offsetImage)) throw new ArgumentOutOfRangeException(nameof(offsetImage), offsetImage, "Must be finite.");
        if (!float.IsFinite(scaleImage) || scaleImage == 0f) throw new ArgumentOutOfRangeException(nameof(scaleImage), scaleImage, "Must be finite and non-zero.");
        return new AnySizeImageScorer(_ml, network, imageBytesColumnName, planes, offsetImage, scaleImage);
    }
}
