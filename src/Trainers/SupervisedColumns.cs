using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Trainers;

/// <summary>What a supervised network learns: K classes from a key column, or one value from a Single column.</summary>
public enum TargetKind
{
    /// <summary>Label is a key (1..K; 0 = missing); the loss is softmax cross-entropy.</summary>
    Classification,

    /// <summary>Label is Single; the loss is mean squared error on the standardised label.</summary>
    Regression,
}

/// <summary>The columns a supervised trainer reads and their sizes (already validated against the schema).</summary>
/// <param name="FeatureColumn">Known-size vector (or scalar) of Single.</param>
/// <param name="FeatureCount">F, the feature vector's size.</param>
/// <param name="LabelColumn">Key column (classification) or Single column (regression).</param>
/// <param name="Target">Classification or regression.</param>
/// <param name="ClassCount">K for classification, 1 for regression.</param>
public sealed record SupervisedColumns(string FeatureColumn, int FeatureCount, string LabelColumn, TargetKind Target, int ClassCount)
{
    /// <summary>Getters for one row: the features into a span of F floats, and the target.</summary>
    internal RowReader CreateReader(DataViewRowCursor cursor) => new(this, cursor);

    /// <summary>The columns a cursor must make active.</summary>
    internal IEnumerable<DataViewSchema.Column> Active(DataViewSchema schema) => [schema[FeatureColumn], schema[LabelColumn]];
}

/// <summary>Reads features and target of the cursor's current row.</summary>
internal sealed class RowReader
{
    private readonly SupervisedColumns _columns;
    private readonly ValueGetter<VBuffer<float>>? _vectorGetter;
    private readonly ValueGetter<float>? _scalarGetter;
    private readonly ValueGetter<uint>? _keyGetter;
    private readonly ValueGetter<float>? _valueGetter;
    private VBuffer<float> _buffer;

    public RowReader(SupervisedColumns columns, DataViewRowCursor cursor)
    {
        _columns = columns;
        var schema = cursor.Schema;
        var features = schema[columns.FeatureColumn];
        if (features.Type is VectorDataViewType) _vectorGetter = cursor.GetGetter<VBuffer<float>>(features);
        else _scalarGetter = cursor.GetGetter<float>(features);
        var label = schema[columns.LabelColumn];
        if (columns.Target == TargetKind.Classification) _keyGetter = cursor.GetGetter<uint>(label);
        else _valueGetter = cursor.GetGetter<float>(label);
    }

    /// <summary>Copies the features (F values, sparse vectors densified) into <paramref name="destination"/>.</summary>
    public void ReadFeatures(Span<float> destination)
    {
        if (_scalarGetter is not null)
        {
            float v = 0;
            _scalarGetter(ref v);
            destination[0] = v;
            return;
        }
        _vectorGetter!(ref _buffer);
        if (_buffer.Length != _columns.FeatureCount)
            throw new InvalidOperationException(
                $"Column '{_columns.FeatureColumn}' has a row with {_buffer.Length} values; expected {_columns.FeatureCount}.");
        _buffer.CopyTo(destination);
    }

    /// <summary>Class index 0..K−1 (−1 for a missing key), or the regression value (NaN when missing).</summary>
    public float ReadTarget()
    {
        if (_keyGetter is not null)
        {
            uint key = 0;
            _keyGetter(ref key);
            return key == 0 ? -1 : key - 1;
        }
        float v = 0;
        _valueGetter!(ref v);
        return v;
    }

    /// <summary>True when the target is missing (key 0, or a NaN regression label): such rows are skipped.</summary>
    public static bool IsMissing(float target, TargetKind kind) => kind == TargetKind.Classification ? target < 0 : float.IsNaN(target);
}
