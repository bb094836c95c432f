using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Trainers;

namespace MlNetDeep.Trainers.Tests;

public class BatchReaderTests
{
    private sealed class Row
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private static readonly SupervisedColumns Columns = new(new FeatureInput("Features", 2), "Label", TargetKind.Regression, 1);

    private static IDataView Data(MLContext ml, int n, Func<int, float>? label = null) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, n).Select(i => new Row { Features = [i, 2 * i], Label = label?.Invoke(i) ?? i }).ToList());

    private static List<float> Labels(ShuffledBatchReader reader, IDataView data, Rng? rng, DataScan scan) =>
        reader.Read(data, rng).SelectMany(b => b.Targets.Take(b.Count).Select(t => t * scan.LabelStd + scan.LabelMean).ToArray()).ToList();

    [Theory]
    [InlineData(1000)] // pool holds all rows: a full shuffle
    [InlineData(7)]    // pool much smaller than the data: still every row exactly once
    public void EveryRowExactlyOncePerEpochInShuffledOrder(int poolSize)
    {
        var ml = new MLContext();
        var data = Data(ml, 100);
        var scan = DataScan.Run(data, Columns, "training data");
        var reader = new ShuffledBatchReader(Columns, scan.PerSlot(), scan, batchSize: 16, poolSize);
        var epoch1 = Labels(reader, data, new Rng(1), scan);
        var epoch2 = Labels(reader, data, new Rng(2), scan);
        Assert.Equal(Enumerable.Range(0, 100), epoch1.Select(v => (int)MathF.Round(v)).Order());
        Assert.Equal(Enumerable.Range(0, 100), epoch2.Select(v => (int)MathF.Round(v)).Order());
        Assert.NotEqual(epoch1, epoch2);
        Assert.NotEqual(epoch1.Select(v => (int)MathF.Round(v)), Enumerable.Range(0, 100));
    }

    [Fact]
    public void SameSeedSameOrderAndBatchSizes()
    {
        var ml = new MLContext();
        var data = Data(ml, 50);
        var scan = DataScan.Run(data, Columns, "training data");
        var reader = new ShuffledBatchReader(Columns, scan.PerSlot(), scan, 16, 10);
        Assert.Equal(Labels(reader, data, new Rng(5), scan), Labels(reader, data, new Rng(5), scan));
        Assert.Equal([16, 16, 16, 2], reader.Read(data, new Rng(5)).Select(b => b.Count).ToArray());
    }

    [Fact]
    public void WithoutGeneratorRowsKeepTheirOrderAndFeaturesAreStandardised()
    {
        var ml = new MLContext();
        var data = Data(ml, 5);
        var scan = DataScan.Run(data, Columns, "training data");
        Assert.Equal([2f, 4f], scan.FeatureMean);
        Assert.Equal(MathF.Sqrt(2f), scan.FeatureStd[0], 5); // population std of 0..4
        var batch = new ShuffledBatchReader(Columns, scan.PerSlot(), scan, 8, 100).Read(data, null).Single();
        Assert.Equal(5, batch.Count);
        Assert.Equal((0 - 2f) / MathF.Sqrt(2f), batch.Features[0], 5);
        Assert.Equal((8 - 4f) / MathF.Sqrt(8f), batch.Features[9], 5);
    }

    [Fact]
    public void RowsWithMissingLabelAreSkippedAndCounted()
    {
        var ml = new MLContext();
        var data = Data(ml, 10, i => i % 3 == 0 ? float.NaN : i);
        var scan = DataScan.Run(data, Columns, "training data");
        Assert.Equal(6, scan.Rows);
        Assert.Equal(4, scan.SkippedRows);
        var reader = new ShuffledBatchReader(Columns, scan.PerSlot(), scan, 4, 3);
        Assert.Equal(6, reader.Read(data, new Rng(1)).Sum(b => b.Count));
    }

    [Fact]
    public void ConstantFeatureIsOnlyCentred()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(i => new Row { Features = [3f, i], Label = i }).ToList());
        var scan = DataScan.Run(data, Columns, "training data");
        Assert.Equal(1f, scan.FeatureStd[0]);
        Assert.Equal(3f, scan.FeatureMean[0]);
    }
}
