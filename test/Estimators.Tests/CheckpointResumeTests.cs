using Microsoft.ML;
using MlNetDeep.Estimators.Tests.Support;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// Checkpoints through the public options: a Fit cancelled after an epoch and run again with ResumeFrom returns a model
/// whose ONNX file has the same bytes as an uninterrupted Fit; misuse is rejected when the trainer is created.
/// </summary>
public sealed class CheckpointResumeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Directory.CreateTempSubdirectory("mlnetdeep-resume-").FullName, "checkpoints");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);

    private static TextClassifier.Options Options() => new()
    {
        NumberOfEpochs = 5, BatchSize = 16, Seed = 2, Network = TextNetwork.Recurrent,
        Recurrent = new RecurrentArchitecture { HiddenSize = 8, Bidirectional = true, DropoutRate = 0.3f },
        LearningRateSchedule = LearningRateSchedule.Cosine(warmupEpochs: 1), WeightDecay = 0.01f, LabelSmoothing = 0.1f,
    };

    private static (byte[] Onnx, int Epochs) Fit(TextClassifier.Options options)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TextClassifierTests.Reviews(160, 3));
        var trainer = ml.DeepLearning().MulticlassClassification.Text(options);
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(data);
        ((IDisposable)model).Dispose();
        return (trainer.LastTrainingReport!.OnnxModel, trainer.LastTrainingReport.History.Count);
    }

    [Fact]
    public void ACancelledFitResumesToTheSameOnnxBytes()
    {
        var (expected, epochs) = Fit(Options());

        using var cancel = new CancellationTokenSource();
        var interrupted = Options();
        interrupted.CheckpointFolder = _folder;
        interrupted.CancellationToken = cancel.Token;
        interrupted.Progress = new SynchronousProgress<EpochReport>(r => { if (r.Epoch == 2) cancel.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => Fit(interrupted));
        Assert.True(File.Exists(Path.Combine(_folder, "epoch-0002.mlnetdeep-checkpoint")));

        var resumed = Options();
        resumed.CheckpointFolder = _folder;
        resumed.ResumeFrom = _folder;
        var (bytes, resumedEpochs) = Fit(resumed);
        Assert.Equal(epochs, resumedEpochs);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void MisusedCheckpointOptionsAreRejectedWhenTheTrainerIsCreated()
    {
        var ml = new MLContext();
        var options = Options();
        options.ResumeFrom = _folder; // does not exist
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Text(options));
        Assert.Equal("ResumeFrom", ex.ParamName);
        Assert.Contains("does not exist", ex.Message);
        options = Options();
        options.CheckpointEveryEpochs = 0;
        Assert.Equal("CheckpointEveryEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Text(options)).ParamName);
        options = Options();
        options.CheckpointFolder = " ";
        Assert.Equal("CheckpointFolder", Assert.Throws<ArgumentOutOfRangeException>(() => ml.DeepLearning().MulticlassClassification.Text(options)).ParamName);
    }
}
