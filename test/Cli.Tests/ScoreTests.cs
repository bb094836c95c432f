using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Cli.Tests.Support;

namespace MlNetDeep.Cli.Tests;

/// <summary>score gives model.Transform's predictions, for each model kind and both vector layouts, and shards exactly.</summary>
[Collection(ModelsCollection.Name)]
public sealed class ScoreTests(ModelsFixture models) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetdeep-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string InFolder(string name) => Path.Combine(_folder, name);

    /// <summary>23 rows (not a multiple of the batch sizes used), with NaN features in two rows (one all NaN); ParquetTests reads them too.</summary>
    internal static List<BlobRow> Rows()
    {
        var rows = Models.Blobs(23, 7);
        rows[4].Features[1] = float.NaN;
        rows[11].Features = [float.NaN, float.NaN, float.NaN, float.NaN];
        return rows;
    }

    [Fact]
    public void Classifier_Csv_EqualsTransform_NaNIncluded()
    {
        var rows = Rows();
        string input = Tool.WriteBlobsCsv(InFolder("in.csv"), rows);
        string output = InFolder("out.csv");
        var run = Tool.Run(["score", models.Classifier.Path, input, output, "--keep", "Id", "--batch-size", "8"]);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("done: 23 input rows, 23 scored", run.Err);
        var csv = Tool.ReadCsv(output);
        Assert.Equal(["Id", "PredictedLabel", .. Expected.ClassNames(models.Classifier.Path).Select(c => "Score_" + c)], csv[0]);
        var expected = Expected.Classifier(models.Classifier.Path, rows);
        Assert.Equal(rows.Count, csv.Count - 1);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Id, csv[i + 1][0]);
            Assert.Equal(expected[i], csv[i + 1][1..]);
        }
        Assert.Contains("NaN", csv[12]);
    }

    [Fact]
    public void Classifier_NumericLabel_WritesTheLabelValue()
    {
        var rows = Rows();
        string input = Tool.WriteBlobsCsv(InFolder("in.csv"), rows.Select(r => new BlobRow { Id = r.Id, Features = r.Features, Label = "0" }));
        string output = InFolder("out.csv");
        var run = Tool.Run(["score", models.NumericLabelClassifier.Path, input, output]);
        Assert.True(run.ExitCode == 0, run.Err);
        var csv = Tool.ReadCsv(output);
        Assert.Equal(["PredictedLabel", "Score_0", "Score_10", "Score_20"], csv[0].Take(1).Concat(csv[0].Skip(1).Order()));
        // model.Transform's PredictedLabel key mapped back to the label's float value.
        var ml = new Microsoft.ML.MLContext(seed: 1);
        var model = ml.Model.Load(models.NumericLabelClassifier.Path, out _);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows.Select(r => new Models.NumericLabelRow { Features = r.Features })));
        var values = ml.Transforms.Conversion.MapKeyToValue("Value", "PredictedLabel").Fit(scored).Transform(scored);
        var expected = values.GetColumn<float>("Value").Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, csv.Skip(1).Select(r => r[0]));
    }

    [Fact]
    public void Gpu_OnACpuOnlyHost_FallsBackWithAWarning_AndThreadsChangeNothing()
    {
        string input = Tool.WriteBlobsCsv(InFolder("in.csv"), Rows());
        Assert.Equal(0, Tool.Run(["score", models.Classifier.Path, input, InFolder("cpu.csv"), "--keep", "Id"]).ExitCode);
        // The tests reference the CPU package Microsoft.ML.OnnxRuntime, which has no CUDA provider.
        var run = Tool.Run(["score", models.Classifier.Path, input, InFolder("gpu.csv"), "--keep", "Id", "--gpu", "0", "--threads", "2"]);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("warning: GPU 0 cannot be used, scoring on the CPU", run.Err);
        Assert.Equal(File.ReadAllText(InFolder("cpu.csv")), File.ReadAllText(InFolder("gpu.csv")));
    }

    [Fact]
    public void Regressor_SpaceSeparatedVectorInTsv_WithoutLabel_EqualsTransform()
    {
        var rows = Rows();
        string input = InFolder("in.tsv");
        File.WriteAllLines(input, ["Features\tId", .. rows.Select(r => string.Join(" ", r.Features.Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "\t" + r.Id)]);
        string output = InFolder("out.csv");
        var run = Tool.Run(["score", models.Regressor.Path, input, output, "--keep", "Id"]);
        Assert.True(run.ExitCode == 0, run.Err);
        var csv = Tool.ReadCsv(output);
        Assert.Equal(["Id", "Score"], csv[0]);
        var expected = Expected.Scalars(models.Regressor.Path, rows.Select(r => new Models.RegressionRow { Features = r.Features }), "Score");
        Assert.Equal(expected, csv.Skip(1).Select(r => r[1..]));
    }

    [Fact]
    public void TextToText_EqualsTransform()
    {
        string[] sources = ["ab", "dcba", "", "a", "bbc", "xyz"];
        string input = InFolder("words.csv");
        // Blank lines are skipped; an empty text is written as "" (a quoted empty field).
        File.WriteAllLines(input, ["Source", .. sources.Select(s => s.Length == 0 ? "\"\"" : s)]);
        string output = InFolder("out.csv");
        var run = Tool.Run(["score", models.TextToText.Path, input, output, "--keep", "Source", "--batch-size", "4"]);
        Assert.True(run.ExitCode == 0, run.Err);
        var csv = Tool.ReadCsv(output);
        Assert.Equal(["Source", "PredictedText", "Score"], csv[0]);
        var expected = Expected.Scalars(models.TextToText.Path, sources.Select(s => new TextPair { Source = s }), "PredictedText", "Score");
        Assert.Equal(sources, csv.Skip(1).Select(r => r[0]));
        Assert.Equal(expected, csv.Skip(1).Select(r => r[1..]));
    }

    [Fact]
    public void ThreeShards_ConcatenatedAndSortedById_EqualOneRun()
    {
        var rows = Models.Blobs(23, 8);
        string input = Tool.WriteBlobsCsv(InFolder("in.csv"), rows);
        string[] common = ["--keep", "Id", "--batch-size", "4"];
        Assert.Equal(0, Tool.Run(["score", models.Classifier.Path, input, InFolder("all.csv"), .. common]).ExitCode);
        var whole = Tool.ReadCsv(InFolder("all.csv"));
        var parts = new List<string[]>();
        for (int i = 0; i < 3; i++)
        {
            string shard = InFolder($"shard-{i}.csv");
            var run = Tool.Run(["score", models.Classifier.Path, input, shard, "--shard", $"{i}/3", .. common]);
            Assert.True(run.ExitCode == 0, run.Err);
            var csv = Tool.ReadCsv(shard);
            Assert.Equal(whole[0], csv[0]);
            // Blocks of 4 rows: shard i holds blocks i, i + 3, …
            var blocks = csv.Skip(1).Select(r => int.Parse(r[0][1..]) / 4).Distinct();
            Assert.All(blocks, b => Assert.Equal(i, b % 3));
            parts.AddRange(csv.Skip(1));
        }
        Assert.Equal(whole.Skip(1), parts.OrderBy(r => int.Parse(r[0][1..])));
        // The merge by blocks of docs/batch-scoring.md: 4 rows from shard 0, 4 from shard 1, 4 from shard 2, again….
        var shards = Enumerable.Range(0, 3).Select(i => new Queue<string[]>(Tool.ReadCsv(InFolder($"shard-{i}.csv")).Skip(1))).ToArray();
        var merged = new List<string[]>();
        while (shards.Any(q => q.Count > 0))
            foreach (var q in shards) for (int k = 0; k < 4 && q.Count > 0; k++) merged.Add(q.Dequeue());
        Assert.Equal(whole.Skip(1), merged);
    }

    [Fact]
    public void KubernetesVariables_PickTheShard()
    {
        string input = Tool.WriteBlobsCsv(InFolder("in.csv"), Models.Blobs(23, 8));
        Assert.Equal(0, Tool.Run(["score", models.Classifier.Path, input, InFolder("flag.csv"), "--keep", "Id", "--shard", "1/3"]).ExitCode);
        var env = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "1", ["MLNETDEEP_SHARD_COUNT"] = "3" };
        var run = Tool.Run(["score", models.Classifier.Path, input, InFolder("env.csv"), "--keep", "Id"], env);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("(shard 1/3)", run.Err);
        Assert.Equal(File.ReadAllText(InFolder("flag.csv")), File.ReadAllText(InFolder("env.csv")));
        var bad = Tool.Run(["score", models.Classifier.Path, input, InFolder("bad.csv")], new Dictionary<string, string> { ["MLNETDEEP_SHARD_COUNT"] = "3" });
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("JOB_COMPLETION_INDEX", bad.Err);
    }
}
