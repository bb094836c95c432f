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

/// <summary>What the feature column holds.</summary>
public enum FeatureKind
{
    /// <summary>Known-size vector (or scalar) of Single; standardised per slot.</summary>
    Dense,

    /// <summary>
    /// Variable-length vector of UInt32 keys (a learned vocabulary: 1..V known, 0 unknown). Each row becomes exactly
    /// FeatureCount token ids: truncated, or padded with <see cref="SupervisedColumns.PadId"/>. Ids are carried as
    /// floats (exact below 2²⁴) so that every network takes one float tensor; they are never standardised.
    /// </summary>
    Tokens,
}

/// <summary>
/// Tokens only: a row with more tokens than the network reads makes the data scan throw instead of being truncated.
/// </summary>
/// <param name="SourceColumn">Column named in the message: the one users know (e.g. the raw text), not the token keys.</param>
/// <param name="Remedy">Sentence appended to the message saying what to change, e.g. which option truncates instead.</param>
public sealed record LongRowRejection(string SourceColumn, string Remedy);

/// <summary>The columns a supervised trainer reads and their sizes (already validated against the schema).</summary>
/// <param name="FeatureColumn">Known-size vector (or scalar) of Single, or a vector of keys for <see cref="FeatureKind.Tokens"/>.</param>
/// <param name="FeatureCount">F, the feature vector's size (the fixed sequence length T for tokens).</param>
/// <param name="LabelColumn">Key column (classification) or Single column (regression).</param>
/// <param name="Target">Classification or regression.</param>
/// <param name="ClassCount">K for classification, 1 for regression.</param>
/// <param name="Features">Dense values or token keys.</param>
/// <param name="PadId">Token id written after the end of a shorter row (tokens only).</param>
/// <param name="RelativeStepSize">
/// F &gt; 0 makes every row relative to its last time step (windows of a series with a trend): with the row read as
/// T steps of F values, the last step's values are subtracted from every step and its first value from the
/// regression label, so the network learns changes rather than levels (the graph adds the level back). 0: off.
/// </param>
/// <param name="RejectLongerRows">
/// Tokens only: null truncates rows longer than <see cref="FeatureCount"/>; otherwise <see cref="DataScan"/> rejects them.
/// </param>
public sealed record SupervisedColumns(string FeatureColumn, int FeatureCount, string LabelColumn, TargetKind Target, int ClassCount,
    FeatureKind Features = FeatureKind.Dense, int PadId = 0, int RelativeStepSize = 0, LongRowRejection? RejectLongerRows = null)
{
    /// <summary>Applies <see cref="RelativeStepSize"/> in place (no-op when 0); returns the label's offset (the level).</summary>
    /// <param name="features">One row's F·T values.</param>
    public float MakeRelative(Span<float> features)
    {
        int f = RelativeStepSize;
        if (f == 0) return 0f;
        Span<float> level = stackalloc float[f];
        features[^f..].CopyTo(level);
        for (int i = 0; i < features.Length; i++) features[i] -= level[i % f];
        return level[0];
    }

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
    private readonly ValueGetter<VBuffer<uint>>? _tokenGetter;
    private readonly ValueGetter<float>? _scalarGetter;
    private readonly ValueGetter<uint>? _keyGetter;
    private readonly ValueGetter<float>? _valueGetter;
    private VBuffer<float> _buffer;
    private VBuffer<uint> _tokens;

    /// <summary>Tokens in the row last read by <see cref="ReadFeatures"/>, before truncation (0 for dense features).</summary>
    public int TokenCount { get; private set; }

    public RowReader(SupervisedColumns columns, DataViewRowCursor cursor)
    {
        _columns = columns;
        var schema = cursor.Schema;
        var features = schema[columns.FeatureColumn];
        if (columns.Features == FeatureKind.Tokens) _tokenGetter = cursor.GetGetter<VBuffer<uint>>(features);
        else if (features.Type is VectorDataViewType) _vectorGetter = cursor.GetGetter<VBuffer<float>>(features);
        else _scalarGetter = cursor.GetGetter<float>(features);
        var label = schema[columns.LabelColumn];
        if (columns.Target == TargetKind.Classification) _keyGetter = cursor.GetGetter<uint>(label);
        else _valueGetter = cursor.GetGetter<float>(label);
    }

    /// <summary>Copies the features (F values, sparse vectors densified) into <paramref name="destination"/>.</summary>
    public void ReadFeatures(Span<float> destination)
    {
        if (_tokenGetter is not null)
        {
            _tokenGetter(ref _tokens);
            // Keys from MapValueToKey are dense; a sparse vector (implicit zeros = unknown) is densified.
            ReadOnlySpan<uint> keys = _tokens.IsDense ? _tokens.GetValues() : _tokens.DenseValues().ToArray();
            TokenCount = keys.Length;
            int n = Math.Min(keys.Length, destination.Length);
            for (int i = 0; i < n; i++) destination[i] = keys[i];
            destination[n..].Fill(_columns.PadId);
            return;
        }
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
