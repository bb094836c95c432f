using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Transforms;

namespace MlNetDeep.Transforms.Tests;

public class KeyValueListTests
{
    private sealed class IndexRow
    {
        [ColumnName("Index")] public long Index { get; set; }
    }

    private sealed class FloatLabel
    {
        public float Label { get; set; }
    }

    [Fact]
    public void IndexBecomesKeyWithTheLabelsOwnValuesTypeAndOrder()
    {
        var ml = new MLContext();
        // Key order by occurrence: 7 → key 1, 3 → key 2, 5 → key 3.
        var labels = ml.Data.LoadFromEnumerable(new[] { 7f, 3f, 5f, 3f }.Select(v => new FloatLabel { Label = v }).ToList());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(labels).Transform(labels);
        var list = KeyValueList.FromColumn(keyed.Schema["Label"]);
        Assert.Equal(3, list.Count);
        Assert.Equal(NumberDataViewType.Single, list.ItemType);

        var indices = ml.Data.LoadFromEnumerable(new[] { 0L, 2L, 1L }.Select(i => new IndexRow { Index = i }).ToList());
        var mapped = list.CreateIndexToKey(ml, "Predicted", "Index").Fit(indices).Transform(indices);
        var type = Assert.IsType<KeyDataViewType>(mapped.Schema["Predicted"].Type);
        Assert.Equal(3UL, type.Count);
        Assert.Equal([1u, 3u, 2u], mapped.GetColumn<uint>("Predicted").ToArray());
        VBuffer<float> values = default;
        mapped.Schema["Predicted"].GetKeyValues(ref values);
        Assert.Equal([7f, 3f, 5f], values.DenseValues().ToArray());
        Assert.Null(mapped.Schema.GetColumnOrNull(TemporaryColumns.PredictedValue));

        var back = ml.Transforms.Conversion.MapKeyToValue("Value", "Predicted").Fit(mapped).Transform(mapped);
        Assert.Equal([7f, 5f, 3f], back.GetColumn<float>("Value").ToArray());
    }

    private sealed class LabelRow<T>
    {
        public T Label { get; set; } = default!;
    }

    private static void AssertIndexMinusOneIsMissing<T>(params T[] labels)
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(labels.Select(v => new LabelRow<T> { Label = v }).ToList());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var list = KeyValueList.FromColumn(keyed.Schema["Label"]);
        var indices = ml.Data.LoadFromEnumerable(new[] { -1L, 0L, 1L }.Select(i => new IndexRow { Index = i }).ToList());
        var mapped = list.CreateIndexToKey(ml, "Predicted", "Index").Fit(indices).Transform(indices);
        // −1 is the scoring graph's index for a row with a NaN or ±∞ feature: key 0 (missing), never a class.
        Assert.Equal([0u, 1u, 2u], mapped.GetColumn<uint>("Predicted").ToArray());
    }

    [Fact]
    public void IndexMinusOneBecomesTheMissingKeyForEveryKeyValueType()
    {
        // Numeric lists hold the default value 0, which MapValue would give an index it does not know. (Boolean keys using
        // both values have no free value: there −1 still maps to the key of false; a known limitation.)
        AssertIndexMinusOneIsMissing(0f, 1f);
        AssertIndexMinusOneIsMissing(0d, 2d);
        AssertIndexMinusOneIsMissing("cat", "dog");
        AssertIndexMinusOneIsMissing("\u0001", "dog");
        AssertIndexMinusOneIsMissing(0, 1);
        AssertIndexMinusOneIsMissing(0L, 1L);
        AssertIndexMinusOneIsMissing(0u, 1u);
    }

    [Fact]
    public void VectorToScalarMappingsTakeTheOnlyElement()
    {
        var index = new PredictedIndexRow();
        PredictedIndexToScalarFactory.Map(new PredictedIndexVectorRow { Value = [4] }, index);
        Assert.Equal(4, index.Value);
        var score = new ScoreRow();
        ScoreToScalarFactory.Map(new ScoreVectorRow { Value = [2.5f] }, score);
        Assert.Equal(2.5f, score.Value);
    }

    [Fact]
    public void PlaceholderHasTheRequestedTypeAndCount()
    {
        var list = KeyValueList.Placeholder(4, TextDataViewType.Instance);
        Assert.Equal(4, list.Count);
        Assert.Equal(TextDataViewType.Instance, list.ItemType);
        Assert.Throws<ArgumentException>(() => KeyValueList.FromColumn(
            new MLContext().Data.LoadFromEnumerable(new[] { new FloatLabel() }).Schema["Label"]));
    }
}
