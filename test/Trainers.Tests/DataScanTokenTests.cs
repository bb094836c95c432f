using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Trainers;

namespace MlNetDeep.Trainers.Tests;

/// <summary>Token rows longer than T: truncated by default, rejected by the scan with <see cref="FeatureInput.RejectLongerRows"/>.</summary>
public class DataScanTokenTests
{
    private const int Length = 4;

    private sealed class Row
    {
        [KeyType(20)] public uint[] Tokens { get; set; } = [];
        [KeyType(2)] public uint Label { get; set; }
    }

    private static readonly SupervisedColumns Truncating = new(new FeatureInput("Tokens", Length, FeatureKind.Tokens, PadId: 21), "Label", TargetKind.Classification, 2);

    private static readonly SupervisedColumns Rejecting = Truncating with { Input = Truncating.Input with { RejectLongerRows = new LongRowRejection("Text", "Change something.") } };

    // LoadFromEnumerable reads a [KeyType] property as 0-based (0 becomes key 1), so every row here has a label.
    private static IDataView Data(params int[] tokenCounts) => new MLContext().Data.LoadFromEnumerable(
        tokenCounts.Select((n, i) => new Row { Tokens = Enumerable.Range(1, n).Select(t => (uint)t).ToArray(), Label = (uint)(i % 2) }).ToList());

    [Fact]
    public void LongerRowsAreTruncatedByDefault() =>
        Assert.Equal(2, DataScan.Run(Data(2, 9), Truncating, "training data").Rows);

    [Fact]
    public void RowsUpToTAreAccepted() =>
        Assert.Equal(3, DataScan.Run(Data(0, 3, Length), Rejecting, "training data").Rows);

    [Fact]
    public void ALongerRowIsRejectedNamingColumnRowAndCount()
    {
        var data = Data(2, 0, Length, Length + 1, 9);
        var ex = Assert.Throws<InvalidOperationException>(() => DataScan.Run(data, Rejecting, "validation data"));
        Assert.Equal("Column 'Text' has 5 tokens in row 3 of the validation data, more than the 4 the network reads. Change something.", ex.Message);
    }
}
