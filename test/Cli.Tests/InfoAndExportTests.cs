using MlNetDeep.Cli.Tests.Support;

namespace MlNetDeep.Cli.Tests;

[Collection(ModelsCollection.Name)]
public sealed class InfoAndExportTests(ModelsFixture models) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetdeep-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Info_Classifier_ListsColumnsClassesOpsetAndTraining()
    {
        var run = Tool.Run(["info", models.Classifier.Path]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("task: classification", run.Out);
        Assert.Contains("Features: Vector<Single, 4>", run.Out);
        Assert.Contains("Label: String", run.Out);
        Assert.Contains("PredictedLabel: Key<UInt32, 0-2>", run.Out);
        string classes = run.Out.Split('\n').Single(l => l.StartsWith("classes: ", StringComparison.Ordinal));
        Assert.Equal(Models.Classes.Order(), classes["classes: ".Length..].Trim().Split(", ").Order());
        Assert.Matches(@"onnx opset: ai\.onnx \d+", run.Out);
        Assert.Contains("architecture: ", run.Out);
        Assert.Contains("epochs_trained=2", run.Out);
    }

    [Fact]
    public void Info_TextToText_ShowsTaskAndOutputs()
    {
        var run = Tool.Run(["info", models.TextToText.Path]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("task: sequence-to-sequence", run.Out);
        Assert.Contains("Source: String", run.Out);
        Assert.Contains("PredictedText: String", run.Out);
        Assert.Contains("seq2seq: yes", run.Out);
    }

    [Fact]
    public void ExportOnnx_WritesTheTrainersBytes()
    {
        foreach (var model in new[] { models.Classifier, models.TextToText })
        {
            string path = Path.Combine(_folder, Path.GetFileNameWithoutExtension(model.Path) + ".onnx");
            var run = Tool.Run(["export-onnx", model.Path, path]);
            Assert.Equal(0, run.ExitCode);
            Assert.Equal(model.Onnx, File.ReadAllBytes(path));
            Assert.False(File.Exists(path + ".tmp"));
        }
    }

    [Fact]
    public void Usage_UnknownCommandOrOption_ExitsWith2()
    {
        Assert.Equal(2, Tool.Run(["predict", models.Classifier.Path]).ExitCode);
        Assert.Equal(2, Tool.Run(["info"]).ExitCode);
        var run = Tool.Run(["score", models.Classifier.Path, "in.csv", "out.csv", "--batchsize", "3"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--batchsize", run.Err);
        Assert.Equal(0, Tool.Run(["--help"]).ExitCode);
    }
}
