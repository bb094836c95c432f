using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine.Models;

namespace MlNetDeep;

/// <summary>Convolutional architecture an <see cref="ImageClassifier"/> trains.</summary>
public enum ImageNetwork
{
    /// <summary>Two conv-BN-ReLU-pool stages and a dense head (<see cref="ImageClassifier.Options.SmallCnn"/>).</summary>
    SmallCnn,

    /// <summary>Residual network (<see cref="ImageClassifier.Options.ResNet"/>).</summary>
    ResNet,

    /// <summary>Densely connected network (<see cref="ImageClassifier.Options.DenseNet"/>).</summary>
    DenseNet,
}

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
/// </remarks>
public sealed class ImageClassifier : NetworkEstimator
{
    /// <summary>Options of <see cref="ImageClassifier"/>.</summary>
    public sealed class Options : TrainerOptions
    {
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

        /// <summary>Architecture. <value>Default SmallCnn.</value></summary>
        public ImageNetwork Network { get; set; } = ImageNetwork.SmallCnn;

        /// <summary>SmallCnn settings (its input size is set from the images). <value>Defaults of <see cref="SmallCnnArchitecture"/>.</value></summary>
        public SmallCnnArchitecture SmallCnn { get; set; } = new();

        /// <summary>ResNet settings. <value>Defaults of <see cref="ResNetArchitecture"/> (the "resnet-small" of the benchmark).</value></summary>
        public ResNetArchitecture ResNet { get; set; } = new();

        /// <summary>DenseNet settings. <value>Defaults of <see cref="DenseNetArchitecture"/>.</value></summary>
        public DenseNetArchitecture DenseNet { get; set; } = new();

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
            Wrap(nameof(SmallCnn), () => SmallCnn.Check());
            Wrap(nameof(ResNet), () => ResNet.Check());
            Wrap(nameof(DenseNet), () => DenseNet.Check());
        }

        // The architecture records throw with their own property names; name the option that holds them.
        private static void Wrap(string option, Action check)
        {
            try { check(); }
            catch (ArgumentException ex) { throw new ArgumentOutOfRangeException(option, $"{option}: {ex.Message}"); }
        }
    }

    internal ImageClassifier(MLContext ml, Options options)
        : base(ml, options, () => new ImageTask(options), "MlNetDeep.ImageClassifier", options?.PredictedLabelColumnName)
    {
    }
}
