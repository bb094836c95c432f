using System.Text;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>What the last <c>Fit</c> produced besides the ML.NET model: the ONNX bytes (usable from any ONNX Runtime) and the epoch history.</summary>
/// <param name="OnnxModel">The exported model (opset 17, IR 8). Inputs and outputs are named after the columns.</param>
/// <param name="History">One report per epoch that ran.</param>
/// <param name="BestEpoch">Epoch whose weights were kept.</param>
/// <remarks>
/// Every <c>Save…</c> method writes a temporary file beside <c>path</c> (hidden: <c>.name.process-id.tmp</c>) and renames it over
/// <c>path</c> once complete, so an existing file is replaced only by a whole one.
/// </remarks>
public sealed record TrainingReport(byte[] OnnxModel, IReadOnlyList<EpochReport> History, int BestEpoch)
{
    /// <summary>Writes <see cref="OnnxModel"/> to <paramref name="path"/> (replacing the file only once it is complete).</summary>
    /// <param name="path">Destination file.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public void SaveOnnx(string path)
    {
        AtomicFile.CheckDestination(path, nameof(path));
        AtomicFile.Write(path, OnnxModel);
    }

    /// <summary>
    /// Writes <see cref="History"/> as CSV (UTF-8, "\n" line ends, invariant culture), a header and then one row per epoch:
    /// <c>epoch</c>, <c>training_loss</c>, <c>validation_loss</c>, <c>validation_</c> + the metric's name in snake_case
    /// (<c>validation_accuracy</c>, <c>validation_rmse</c>, <c>validation_token_accuracy</c>; <c>validation_metric</c>
    /// when training had no validation set), <c>elapsed_seconds</c> and <c>is_best</c> (<c>true</c>/<c>false</c>).
    /// </summary>
    /// <remarks>
    /// Numbers are written in round-trip form: parsed with the invariant culture they give back the reported doubles.
    /// Validation cells are empty when training had no validation set. <c>is_best</c> is <see cref="EpochReport.IsBest"/>:
    /// true where the epoch improved on the best validation value so far (on every epoch without validation), so
    /// <see cref="BestEpoch"/> is the last row with <c>true</c>.
    /// </remarks>
    /// <param name="path">Destination file, e.g. <c>history.csv</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="InvalidOperationException"><see cref="History"/> has no epochs.</exception>
    public void SaveHistoryCsv(string path)
    {
        CheckCanSaveHistory(path, nameof(path));
        AtomicFile.Write(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(HistoryCsv.Format(History)));
    }

    /// <summary>
    /// Draws the training curves as a 900 × 500 PNG: the training and validation loss per epoch and, beside them, the
    /// validation metric per epoch (only when training had a validation set), each panel with axis labels, a title, a
    /// legend and a dashed vertical line at <see cref="BestEpoch"/>.
    /// </summary>
    /// <remarks>
    /// The loss axis is logarithmic (labelled so) when the losses span a factor of 10 or more, so the late epochs are not
    /// a flat line. Non-finite values are left out of the curves.
    /// </remarks>
    /// <param name="path">Destination file, e.g. <c>curves.png</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="InvalidOperationException"><see cref="History"/> has no epochs.</exception>
    public void SaveCurves(string path)
    {
        CheckCanSaveHistory(path, nameof(path));
        AtomicFile.Write(path, CurvesPlot.Render(History, BestEpoch));
    }

    private void CheckCanSaveHistory(string path, string parameterName)
    {
        AtomicFile.CheckDestination(path, parameterName);
        if (History is not { Count: > 0 })
            throw new InvalidOperationException("The training report's History has no epochs: there are no training curves to save.");
    }
}
