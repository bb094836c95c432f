using MlNetDeep.Cli.Tests.Support;

namespace MlNetDeep.Cli.Tests;

/// <summary>Parquet input and output: the same predictions, rows, blocks and shards as CSV; errors name the column and row.</summary>
[Collection(ModelsCollection.Name)]
public sealed class ParquetTests(ModelsFixture models) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetdeep-cli-parquet-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string InFolder(string name) => Path.Combine(_folder, name);

    private static List<BlobRow> Rows() => ScoreTests.Rows();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ParquetIn_CsvOut_EqualsCsvIn(bool featuresAsList)
    {
        var rows = Rows();
        string csv = Tool.WriteBlobsCsv(InFolder("in.csv"), rows);
        // Three row groups whose sizes are not multiples of the batch: blocks span row groups.
        string parquet = ParquetFiles.WriteBlobs(InFolder("in.parquet"), rows, featuresAsList, 5, 11, 7);
        string[] options = ["--keep", "Id", "--keep", "Label", "--batch-size", "8"];
        var fromCsv = Tool.Run(["score", models.Classifier.Path, csv, InFolder("from-csv.csv"), .. options]);
        Assert.True(fromCsv.ExitCode == 0, fromCsv.Err);
        var fromParquet = Tool.Run(["score", models.Classifier.Path, parquet, InFolder("from-parquet.csv"), .. options]);
        Assert.True(fromParquet.ExitCode == 0, fromParquet.Err);
        Assert.Contains("done: 23 input rows, 23 scored", fromParquet.Err);
        Assert.Equal(File.ReadAllText(InFolder("from-csv.csv")), File.ReadAllText(InFolder("from-parquet.csv")));
        Assert.Equal(24, Tool.ReadCsv(InFolder("from-parquet.csv")).Count);
    }

    [Fact]
    public void CsvIn_ParquetOut_ReadsBackAsTheCsvOutput_WithTypedFields_OneRowGroupPerBlock()
    {
        string csv = Tool.WriteBlobsCsv(InFolder("in.csv"), Rows());
        string[] options = ["--keep", "Id", "--batch-size", "8"];
        Assert.Equal(0, Tool.Run(["score", models.Classifier.Path, csv, InFolder("out.csv"), .. options]).ExitCode);
        var run = Tool.Run(["score", models.Classifier.Path, csv, InFolder("out.parquet"), .. options]);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.False(File.Exists(InFolder("out.parquet.tmp")));
        var expected = Tool.ReadCsv(InFolder("out.csv"));
        var table = ParquetFiles.Read(InFolder("out.parquet"));
        Assert.Equal(expected[0], table.Names);
        Assert.Equal(typeof(ReadOnlyMemory<char>), table.Types[0]);                      // Id: string
        Assert.Equal(typeof(ReadOnlyMemory<char>), table.Types[1]);                      // PredictedLabel: string
        Assert.All(table.Types.Skip(2), t => Assert.Equal(typeof(float), t));            // Score_<class>: float
        Assert.Equal(3, table.RowGroups);                                                // 23 rows in blocks of 8
        Assert.Equal(expected.Skip(1), table.Rows.Select(r => r.Select(v => Output.PredictionColumns.Text(v)).ToArray()));
        Assert.Contains(table.Rows, r => r.Skip(2).All(v => float.IsNaN((float)v!)));    // the all-NaN row, as NaN floats
    }

    [Fact]
    public void MissingColumn_IsNamed_AndNoOutputIsLeft()
    {
        string input = ParquetFiles.Write(InFolder("partial.parquet"),
            ("Id", typeof(string), ["a"]), ("Features_0", typeof(double), [1.0]), ("Features_1", typeof(double), [2.0]));
        string output = InFolder("out.parquet");
        var run = Tool.Run(["score", models.Classifier.Path, input, output]);
        Assert.Equal(1, run.ExitCode);
        foreach (string s in new[] { "partial.parquet", "lacks column(s)", "Features (", "Features_3", "Label (", "Its columns are: Id, Features_0, Features_1" })
            Assert.Contains(s, run.Err);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".tmp"));
    }

    [Fact]
    public void WrongTypeValues_NameTheColumnAndRow_AndSkipListsThem()
    {
        object?[] Numbers(params object?[] v) => v;
        string input = ParquetFiles.Write(InFolder("typed.parquet"),
            ("Id", typeof(string), ["a", "b", "c", "d"]),
            ("Features_0", typeof(double), Numbers(1.0, 2.0, 3.0, 4.0)),
            ("Features_1", typeof(bool), Numbers(true, false, true, false)),
            ("Features_2", typeof(string), ["1", "2", "abc", "4"]),
            ("Features_3", typeof(double), Numbers(1.0, 2.0, 3.0, 4.0)),
            ("Label", typeof(string), ["cat", "cat", "cat", "cat"]));
        // A boolean column for a float feature: the first row fails, naming the column and the value's type.
        var run = Tool.Run(["score", models.Classifier.Path, input, InFolder("out.csv")]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("typed.parquet' row 1 (row group 0), column Features_1: true (a boolean value) is not a number", run.Err);
        Assert.False(File.Exists(InFolder("out.csv")));

        // The same with the text column Features_2 holding one non-number: only that row is bad.
        string fixedInput = ParquetFiles.Write(InFolder("text.parquet"),
            ("Id", typeof(string), ["a", "b", "c", "d"]),
            ("Features_0", typeof(double), Numbers(1.0, 2.0, 3.0, 4.0)),
            ("Features_1", typeof(double), Numbers(1.0, null, 3.0, 4.0)),
            ("Features_2", typeof(string), ["1", "2", "abc", "4"]),
            ("Features_3", typeof(double), Numbers(1.0, 2.0, 3.0, 4.0)),
            ("Label", typeof(string), ["cat", null, "cat", "cat"]));
        run = Tool.Run(["score", models.Classifier.Path, fixedInput, InFolder("out.csv")]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("text.parquet' row 3 (row group 0), column Features_2: 'abc' is not a number", run.Err);
        run = Tool.Run(["score", models.Classifier.Path, fixedInput, InFolder("out.csv"), "--on-error", "skip", "--keep", "Id"]);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Equal(["a", "b", "d"], Tool.ReadCsv(InFolder("out.csv")).Skip(1).Select(r => r[0]));
        var errors = File.ReadAllLines(InFolder("out.csv.errors.csv"));
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("3,Features_2,\"'abc' is not a number", errors[1]);
        // A null float is a missing value (NaN) and a null text is empty, as an empty CSV field: row b scores as such.
        var expected = Expected.Classifier(models.Classifier.Path, [new BlobRow { Features = [2, float.NaN, 2, 2], Label = "" }]);
        Assert.Equal(expected[0], Tool.ReadCsv(InFolder("out.csv"))[2][1..]);
    }

    [Fact]
    public void ThreeShards_OfAParquetInput_ConcatenatedAndSortedById_EqualOneRun_InBlocksAcrossRowGroups()
    {
        var rows = Models.Blobs(23, 8);
        string input = ParquetFiles.WriteBlobs(InFolder("in.parquet"), rows, asList: true, 6, 10, 7);
        string[] common = ["--keep", "Id", "--batch-size", "4"];
        Assert.Equal(0, Tool.Run(["score", models.Classifier.Path, input, InFolder("all.parquet"), .. common]).ExitCode);
        var whole = ParquetFiles.Read(InFolder("all.parquet"));
        Assert.Equal(23, whole.Rows.Count);
        var parts = new List<object?[]>();
        for (int i = 0; i < 3; i++)
        {
            string shard = InFolder($"shard-{i}.parquet");
            var run = Tool.Run(["score", models.Classifier.Path, input, shard, "--shard", $"{i}/3", .. common]);
            Assert.True(run.ExitCode == 0, run.Err);
            var part = ParquetFiles.Read(shard);
            Assert.Equal(whole.Names, part.Names);
            // Blocks of 4 rows, numbered as for CSV whatever the row groups: shard i holds blocks i, i + 3, …
            Assert.All(part.Rows, r => Assert.Equal(i, int.Parse(((string)r[0]!)[1..]) / 4 % 3));
            parts.AddRange(part.Rows);
        }
        Assert.Equal(whole.Rows, parts.OrderBy(r => int.Parse(((string)r[0]!)[1..])));
    }

    [Fact]
    public void KeptColumns_KeepTheirParquetTypes_NullsIncluded()
    {
        object?[] V(params object?[] v) => v;
        string input = ParquetFiles.Write(InFolder("kept.parquet"),
            ("Id", typeof(string), ["a", null, "c"]),
            ("Weight", typeof(double), V(0.5, null, 2.0)),
            ("Flag", typeof(bool), V(true, false, null)),
            ("Features_0", typeof(double), V(1.0, 2.0, 3.0)), ("Features_1", typeof(double), V(1.0, 2.0, 3.0)),
            ("Features_2", typeof(double), V(1.0, 2.0, 3.0)), ("Features_3", typeof(double), V(1.0, 2.0, 3.0)),
            ("Label", typeof(string), ["", "", ""]));
        var run = Tool.Run(["score", models.Classifier.Path, input, InFolder("out.parquet"), "--keep", "Id", "--keep", "Weight", "--keep", "Flag"]);
        Assert.True(run.ExitCode == 0, run.Err);
        var table = ParquetFiles.Read(InFolder("out.parquet"));
        Assert.Equal([typeof(ReadOnlyMemory<char>), typeof(double), typeof(bool)], table.Types.Take(3));
        Assert.Equal([V("a", 0.5, true), V(null, null, false), V("c", 2.0, null)], table.Rows.Select(r => r.Take(3).ToArray()));
        // In CSV the same values are written as text, a null as an empty field.
        Assert.Equal(0, Tool.Run(["score", models.Classifier.Path, input, InFolder("out.csv"), "--keep", "Id", "--keep", "Weight", "--keep", "Flag"]).ExitCode);
        Assert.Equal([["a", "0.5", "true"], ["", "", "false"], ["c", "2", ""]], Tool.ReadCsv(InFolder("out.csv")).Skip(1).Select(r => r.Take(3).ToArray()));
    }

    [Fact]
    public void NotAParquetFile_IsAClearError()
    {
        string input = InFolder("random.parquet");
        File.WriteAllBytes(input, [.. Enumerable.Range(0, 2000).Select(i => (byte)(i * 31))]);
        var run = Tool.Run(["score", models.Classifier.Path, input, InFolder("out.csv")]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("random.parquet' is not a readable Parquet file", run.Err);
        Assert.False(File.Exists(InFolder("out.csv")));
    }

    [Fact]
    public void DamagedRowGroup_IsAClearError_NamingTheRowGroupAndColumn()
    {
        var rows = Models.Blobs(40, 3);
        string input = ParquetFiles.WriteBlobs(InFolder("damaged.parquet"), rows, asList: false, 20, 20);
        byte[] bytes = File.ReadAllBytes(input);
        // Garbage over the start of the data pages (after the 4-byte magic), the footer left intact.
        for (int i = 4; i < 200; i++) bytes[i] = (byte)(0xA5 ^ i);
        File.WriteAllBytes(input, bytes);
        var run = Tool.Run(["score", models.Classifier.Path, input, InFolder("out.csv"), "--keep", "Id"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("damaged.parquet' row group 0, column ", run.Err);
        Assert.Contains("cannot be read (corrupt file?)", run.Err);
        Assert.False(File.Exists(InFolder("out.csv")));
    }
}
