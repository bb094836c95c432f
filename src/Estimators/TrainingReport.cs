using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>What the last <c>Fit</c> produced besides the ML.NET model: the ONNX bytes (usable from any ONNX Runtime) and the epoch history.</summary>
/// <param name="OnnxModel">The exported model (opset 17, IR 8). Inputs and outputs are named after the columns.</param>
/// <param name="History">One report per epoch that ran.</param>
/// <param name="BestEpoch">Epoch whose weights were kept.</param>
public sealed record TrainingReport(byte[] OnnxModel, IReadOnlyList<EpochReport> History, int BestEpoch)
{
    /// <summary>Writes <see cref="OnnxModel"/> to <paramref name="path"/> (replacing the file only once it is complete).</summary>
    /// <param name="path">Destination file.</param>
    public void SaveOnnx(string path)
    {
        string temp = path + ".tmp";
        File.WriteAllBytes(temp, OnnxModel);
        File.Move(temp, path, overwrite: true);
    }
}
