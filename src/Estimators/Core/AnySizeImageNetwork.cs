using MlNetDeep.Engine.Layers;
using MlNetDeep.Onnx;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// A trained image network that takes (B, C, H, W) of any H, W ≥ <paramref name="MinimumSize"/>, with what exporting it
/// for encoded images needs (<see cref="AnySizeImageScorer"/>).
/// </summary>
/// <param name="Body">(B, C, H, W) → (B, K) logits, in inference form.</param>
/// <param name="ChannelMean">(C) training means.</param>
/// <param name="ChannelStd">(C) training standard deviations.</param>
/// <param name="MinimumSize">Smallest H and W.</param>
/// <param name="Fitted">The Fit it comes from (classes, key values, columns, scoring settings).</param>
internal sealed record AnySizeImageNetwork(Module Body, float[] ChannelMean, float[] ChannelStd, int MinimumSize, FittedNetwork Fitted)
{
    /// <summary>C</summary>
    public int Channels => ChannelMean.Length;

    /// <summary>
    /// The classifier graph for <see cref="DecodeImageFactory"/>'s output: inputs <see cref="TemporaryColumns.ImagePixels"/>
    /// float [N, 4·H·W] and <see cref="TemporaryColumns.ImageSize"/> int64 [N, 2], outputs as the Fit's model.
    /// </summary>
    /// <param name="planes">(C) plane index (<see cref="ImagePlane"/>) of each network channel.</param>
    /// <param name="offset">ExtractPixels' offsetImage.</param>
    /// <param name="scale">ExtractPixels' scaleImage.</param>
    public byte[] Export(int[] planes, float offset, float scale)
    {
        var input = new AnySizeImageGraphInput(TemporaryColumns.ImagePixels, TemporaryColumns.ImageSize, DecodeImageFactory.PlaneCount, planes,
            ChannelMean, ChannelStd) { Offset = offset, Scale = scale };
        var export = new OnnxModelOptions { DocString = Fitted.Export.DocString, Metadata = new Dictionary<string, string>(Fitted.Export.Metadata) };
        export.Metadata["mlnetdeep.image_input"] = FormattableString.Invariant(
            $"any size: {TemporaryColumns.ImagePixels} = planes {string.Join(",", Enum.GetNames<ImagePlane>())} of H·W values, {TemporaryColumns.ImageSize} = (H, W); channels = planes {string.Join(",", planes)}, (v - {offset}) * {scale}; minimum {MinimumSize}x{MinimumSize}");
        return SupervisedGraph.Classifier(Body, input, Fitted.Columns.ClassCount, Fitted.ScoreColumn, TemporaryColumns.PredictedIndexVector, export);
    }
}
