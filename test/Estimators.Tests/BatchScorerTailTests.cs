using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Estimators.Tests.Support;
using MlNetDeep.Transforms.Batching;

namespace MlNetDeep.Estimators.Tests;

/// <summary>
/// The stages after the ONNX one that <see cref="BatchScorer"/> runs as light views (<see cref="FirstElementView{T}"/>,
/// <see cref="ColumnProjectionView"/>): taken for the trainers' own tails (so a change in ML.NET that disables them is
/// seen here, not only as a slower bench), and equal to the saved stages for the user's copies and selections that
/// follow, hidden columns included.
/// </summary>
public sealed class BatchScorerTailTests
{
    private const int Rows = 97;

    [Fact]
    public void TheRegressorsWholeTailRunsAsOneProjectionOverTheScalarView()
    {
        var ml = new MLContext(seed: 1);
        var train = SyntheticData.View(ml, SyntheticData.Curve(60, 1));
        var model = ml.DeepLearning().Regression.Mlp(new MlpRegressor.Options { HiddenLayers = [4], NumberOfEpochs = 1, Seed = 1 }).Fit(train);
        var (fresh, loaded) = Loaded(ml, model, train.Schema);
        using var scorer = new BatchScorer(fresh, loaded);
        var input = SyntheticData.View(fresh, SyntheticData.Curve(Rows, 2));

        var scored = scorer.Transform(input);

        // CopyColumns(Score ← scalar) and DropColumns(temporaries) collapse into one projection of the scalar view.
        var projection = Assert.IsType<ColumnProjectionView>(scored);
        Assert.IsType<FirstElementView<float>>(projection.Source);
        Assert.Equal(Rows, BatchScorerAssert.SameData(loaded.Transform(input), scored));
    }

    [Fact]
    public void TheClassifiersDropOfTemporariesRunsAsAProjection()
    {
        var ml = new MLContext(seed: 1);
        var train = SyntheticData.View(ml, SyntheticData.Blobs(60, 1));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.DeepLearning().MulticlassClassification.Mlp(new MlpClassifier.Options { HiddenLayers = [4], NumberOfEpochs = 1, Seed = 1 }))
            .Fit(train);
        var (fresh, loaded) = Loaded(ml, model, train.Schema);
        using var scorer = new BatchScorer(fresh, loaded);
        var input = SyntheticData.View(fresh, SyntheticData.Blobs(Rows, 2));

        var scored = scorer.Transform(input);

        Assert.IsType<ColumnProjectionView>(scored);
        Assert.Equal(Rows, BatchScorerAssert.SameData(loaded.Transform(input), scored));
    }

    /// <summary>The user's copies and selections after the trainer: renamed, repeated, shadowed (hidden) and reordered columns.</summary>
    public static TheoryData<string> UserTails => ["copy over a visible name", "copy twice then drop", "keep hidden", "keep reordered", "drop all but score"];

    [Theory]
    [MemberData(nameof(UserTails))]
    public void TheUsersCopiesAndSelectionsGiveTheSavedStagesSchemaAndValues(string tail)
    {
        var ml = new MLContext(seed: 1);
        var train = SyntheticData.View(ml, SyntheticData.Curve(60, 1));
        var trainer = ml.DeepLearning().Regression.Mlp(new MlpRegressor.Options { HiddenLayers = [4], NumberOfEpochs = 1, Seed = 1 });
        var c = ml.Transforms;
        IEstimator<ITransformer> after = tail switch
        {
            // Features is replaced by a copy of Score: the old Features stays as a hidden column of the same name.
            "copy over a visible name" => c.CopyColumns("Features", "Score"),
            "copy twice then drop" => c.CopyColumns("A", "Score").Append(c.CopyColumns("B", "Features"))
                .Append(c.CopyColumns("A", "B")).Append(c.DropColumns("Features")),
            "keep hidden" => c.CopyColumns("Label", "Score").Append(c.SelectColumns(["Label", "Score"], keepHidden: true)),
            "keep reordered" => c.SelectColumns("Score", "Features", "Label"),
            "drop all but score" => c.CopyColumns("Features", "Score").Append(c.SelectColumns("Features")),
            _ => throw new ArgumentOutOfRangeException(nameof(tail)),
        };
        var model = trainer.Append(after).Fit(train);
        var (fresh, loaded) = Loaded(ml, model, train.Schema);
        using var scorer = new BatchScorer(fresh, loaded);
        var input = SyntheticData.View(fresh, SyntheticData.Curve(Rows, 2));

        var expected = loaded.Transform(input);
        var scored = scorer.Transform(input);

        Assert.True(scored is ColumnProjectionView, "the tail ran as saved; its output schema: "
            + string.Join(" | ", expected.Schema.Select(c => $"{c.Index} {c.Name} {c.Type} hidden={c.IsHidden}")));
        Assert.Equal(Rows, BatchScorerAssert.SameData(expected, scored));
        Assert.Equal(expected.Schema.Select(Annotations), scored.Schema.Select(Annotations));
    }

    private static string Annotations(DataViewSchema.Column column) => string.Join(",", column.Annotations.Schema.Select(a => a.Name));

    private static (MLContext Fresh, ITransformer Loaded) Loaded(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        var fresh = new MLContext(seed: 1);
        return (fresh, BatchScorerTests.SaveLoad(ml, model, schema, fresh));
    }
}
