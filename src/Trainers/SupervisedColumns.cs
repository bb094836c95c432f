using Microsoft.ML;

namespace MlNetDeep.Trainers;

/// <summary>The columns a supervised trainer reads and their sizes (already validated against the schema).</summary>
/// <param name="Input">The feature column.</param>
/// <param name="LabelColumn">Key column (classification) or Single column (regression).</param>
/// <param name="Target">Classification or regression.</param>
/// <param name="ClassCount">K for classification, 1 for regression.</param>
internal sealed record SupervisedColumns(FeatureInput Input, string LabelColumn, TargetKind Target, int ClassCount)
{
    /// <summary>Getters for one row: the features into a span of F floats, and the target.</summary>
    internal RowReader CreateReader(DataViewRowCursor cursor) => new(this, cursor);

    /// <summary>The columns a cursor must make active.</summary>
    internal IEnumerable<DataViewSchema.Column> Active(DataViewSchema schema) => [schema[Input.Column], schema[LabelColumn]];
}
