using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Preprocessing;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// A trained image network that takes (B, C, H, W) of any H, W ≥ <paramref name="MinimumSize"/>, with what exporting it
/// for encoded images needs (<see cref="AnySizeImageScorer"/>).
/// </summary>
/// <param name="Body">(B, C, H, W) → (B, K) logits, in inference form.</param>
/// <param name="Preprocessing">The training's per-channel standardisation, (C) statistics.</param>
/// <param name="MinimumSize">Smallest H and W.</param>
/// <param name="Fitted">The Fit it comes from (classes, key values, columns, scoring settings).</param>
internal sealed record AnySizeImageNetwork(Module Body, FeaturePreprocessing Preprocessing, int MinimumSize, FittedNetwork Fitted)
{
    /// <summary>C</summary>
    public int Channels => Preprocessing.Groups;

    /// <summary>The any-size network of <paramref name="fitted"/>, or null when it trained a fixed-size network.</summary>
    public static AnySizeImageNetwork? Of(FittedNetwork fitted, int minimumSize) =>
        fitted.Model is { AnySizeBody: { } body, Preprocessing: { } preprocessing } ? new(body, preprocessing, minimumSize, fitted) : null;

    /// <summary>
    /// The classifier graph for <see cref="DecodeImageFactory"/>'s output: inputs <see cref="TemporaryColumns.ImagePixels"/>
    /// float [N, 4·H·W] and <see cref="TemporaryColumns.ImageSize"/> int64 [N, 2], outputs as the Fit's model.
    /// The graph itself rejects images below <see cref="MinimumSize"/> and batches mixing sizes (one size per run, which
    /// is all ML.NET sends: one row per run), in named nodes, so the file fails clearly in plain ONNX Runtime too
    /// (<see cref="AnySizeImageGraphInput"/> says why mixed sizes are rejected rather than scored row by row).
    /// </summary>
    /// <param name="planes">(C) plane index (<see cref="ImagePlane"/>) of each network channel.</param>
    /// <param name="offset">ExtractPixels' offsetImage.</param>
    /// <param name="scale">ExtractPixels' scaleImage.</param>
    public byte[] Export(int[] planes, float offset, float scale)
    {
        var input = new AnySizeImageGraphInput(TemporaryColumns.ImagePixels, TemporaryColumns.ImageSize, DecodeImageFactory.PlaneCount, planes, Preprocessing)
        {
            Offset = offset, Scale = scale, MinimumSize = MinimumSize, PlaneNames = Enum.GetNames<ImagePlane>(),
        };
        return SupervisedGraph.Classifier(Body, input, Fitted.Columns.ClassCount, Fitted.ScoreColumn, TemporaryColumns.PredictedIndexVector, Fitted.Description);
    }
}
