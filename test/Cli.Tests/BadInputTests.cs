using MlNetDeep.Cli.Tests.Support;

namespace MlNetDeep.Cli.Tests;

/// <summary>Each bad input of issue 13 point 7: a clear message naming what is wrong, exit code 1, and no output left under the final name.</summary>
[Collection(ModelsCollection.Name)]
public sealed class BadInputTests(ModelsFixture models) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetdeep-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string InFolder(string name) => Path.Combine(_folder, name);

    private string Input(int rows = 10) => Tool.WriteBlobsCsv(InFolder("in.csv"), Models.Blobs(rows, 5));

    private ToolRun Score(string model, string input, string output, params string[] options) =>
        Tool.Run(["score", model, input, output, .. options]);

    private void AssertFailed(ToolRun run, string output, params string[] inMessage)
    {
        Assert.Equal(1, run.ExitCode);
        foreach (string s in inMessage) Assert.Contains(s, run.Err);
        Assert.False(File.Exists(output), "no output under the final name");
        Assert.False(File.Exists(output + ".tmp"), "the temporary file is removed");
    }

    [Fact]
    public void MissingModelFile()
    {
        string model = InFolder("nope.zip"), output = InFolder("out.csv");
        AssertFailed(Score(model, Input(), output), output, "nope.zip", "not found");
        Assert.Equal(1, Tool.Run(["info", model]).ExitCode);
    }

    [Fact]
    public void CorruptModelZip_RandomBytes()
    {
        string model = InFolder("random.zip"), output = InFolder("out.csv");
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        File.WriteAllBytes(model, bytes);
        AssertFailed(Score(model, Input(), output), output, "random.zip", "not a readable model.zip");
    }

    [Fact]
    public void TruncatedModelZip()
    {
        string model = InFolder("truncated.zip"), output = InFolder("out.csv");
        byte[] whole = File.ReadAllBytes(models.Classifier.Path);
        File.WriteAllBytes(model, whole[..(whole.Length / 2)]);
        AssertFailed(Score(model, Input(), output), output, "truncated.zip", "not a readable model.zip");
        var info = Tool.Run(["info", model]);
        Assert.Equal(1, info.ExitCode);
        Assert.Contains("truncated.zip", info.Err);
    }

    [Fact]
    public void MissingColumns_AreNamed()
    {
        string input = InFolder("partial.csv"), output = InFolder("out.csv");
        File.WriteAllLines(input, ["Id,Features_0,Features_1", "a,1,2"]);
        AssertFailed(Score(models.Classifier.Path, input, output), output, "partial.csv", "Features (", "Features_3", "Label (", "Its header has: Id, Features_0, Features_1");
    }

    [Fact]
    public void UnparseableValue_NamesRowAndColumn()
    {
        string input = Input(20), output = InFolder("out.csv");
        var lines = File.ReadAllLines(input);
        var fields = lines[7].Split(',');
        fields[3] = "abc";
        lines[7] = string.Join(",", fields);
        File.WriteAllLines(input, lines);
        // Row 7 is in the second block of 4: the first block was written to the temporary file before the failure.
        AssertFailed(Score(models.Classifier.Path, input, output, "--batch-size", "4"), output, "row 7 (line 8)", "column Features_2", "'abc' is not a number");
    }

    [Fact]
    public void OnErrorSkip_WritesTheSideFile()
    {
        string input = Input(12), output = InFolder("out.csv");
        var lines = File.ReadAllLines(input).ToList();
        lines[3] = lines[3].Replace(",", ";");          // row 3: one field instead of 6
        lines[10] = "r9,1,2,x,4,cat";                   // row 10: Features_2 is not a number
        File.WriteAllLines(input, lines);
        var run = Score(models.Classifier.Path, input, output, "--on-error", "skip", "--keep", "Id");
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("2 skipped", run.Err);
        var csv = Tool.ReadCsv(output);
        Assert.Equal(11, csv.Count);
        Assert.DoesNotContain(csv, r => r[0] is "r2" or "r9");
        var errors = File.ReadAllLines(output + ".errors.csv");
        Assert.Equal("row,column,reason", errors[0]);
        Assert.StartsWith("3,,has 1 fields where the header has 6", errors[1]);
        Assert.StartsWith("10,Features_2,\"'x' is not a number", errors[2]); // quoted: the reason holds commas
        Assert.Equal(3, errors.Length);
    }

    [Fact]
    public void NaNFeatures_AreNotAnError()
    {
        string input = InFolder("nan.csv"), output = InFolder("out.csv");
        File.WriteAllLines(input, ["Features_0,Features_1,Features_2,Features_3,Label", "NaN,1,,3,", "1,2,3,4,cat"]);
        var run = Score(models.Classifier.Path, input, output);
        Assert.True(run.ExitCode == 0, run.Err);
        var rows = new List<BlobRow>
        {
            new() { Features = [float.NaN, 1, float.NaN, 3], Label = "" },
            new() { Features = [1, 2, 3, 4], Label = "cat" },
        };
        Assert.Equal(Expected.Classifier(models.Classifier.Path, rows), Tool.ReadCsv(output).Skip(1));
    }

    [Fact]
    public void EmptyInput_GivesHeaderOnly()
    {
        string input = InFolder("empty.csv"), output = InFolder("out.csv");
        File.WriteAllLines(input, ["Id,Features_0,Features_1,Features_2,Features_3,Label"]);
        var run = Score(models.Classifier.Path, input, output, "--keep", "Id");
        Assert.True(run.ExitCode == 0, run.Err);
        var csv = Tool.ReadCsv(output);
        Assert.Single(csv);
        Assert.Equal("Id", csv[0][0]);
        Assert.Contains("done: 0 input rows", run.Err);

        File.WriteAllText(input, "");
        AssertFailed(Score(models.Classifier.Path, input, output + "2.csv"), output + "2.csv", "is empty", "header");
    }

    [Fact]
    public void OutputFolderNotWritable_NothingLeftBehind()
    {
        string blocker = InFolder("a-file");
        File.WriteAllText(blocker, "x");
        string output = Path.Combine(blocker, "out.csv");
        AssertFailed(Score(models.Classifier.Path, Input(), output), output, "Cannot write output", "out.csv");
        Assert.Equal(["a-file", "in.csv"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void FailedRerun_NeverLeavesAPartialFileUnderTheFinalName()
    {
        string input = Input(20), output = InFolder("out.csv");
        var lines = File.ReadAllLines(input);
        lines[15] = "r14,1,2,bad,4,cat";
        File.WriteAllLines(input, lines);
        // Rows 1–12 are scored and written (3 blocks of 4) before row 15 fails: only the temporary file ever held them.
        var run = Score(models.Classifier.Path, input, output, "--batch-size", "4");
        AssertFailed(run, output, "row 15");
        Assert.Empty(Directory.GetFiles(_folder, "out.csv*"));
    }

    [Fact]
    public void Rerun_AfterAKilledRun_OverwritesTheLeftoverTemporaryFile_AndAFailedRunKeepsTheLastCompleteOutput()
    {
        string input = Input(9), output = InFolder("out.csv");
        // A killed run leaves only the temporary file: the rerun overwrites it and renames it when complete.
        File.WriteAllText(output + ".tmp", "Id,Pred\nr0,partial");
        Assert.Equal(0, Score(models.Classifier.Path, input, output, "--keep", "Id").ExitCode);
        Assert.False(File.Exists(output + ".tmp"));
        string complete = File.ReadAllText(output);
        Assert.Equal(10, Tool.ReadCsv(output).Count);
        // A later run that fails mid-way replaces nothing: the final name still holds the last complete output.
        var lines = File.ReadAllLines(input);
        lines[8] = "r7,1,2,bad,4,cat";
        File.WriteAllLines(input, lines);
        Assert.Equal(1, Score(models.Classifier.Path, input, output, "--keep", "Id", "--batch-size", "2").ExitCode);
        Assert.Equal(complete, File.ReadAllText(output));
        Assert.False(File.Exists(output + ".tmp"));
    }
}
