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
    /// FeatureCount token ids: truncated, or padded with <see cref="FeatureInput.PadId"/>. Ids are carried as
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

/// <summary>The feature column as the trainer reads it (described by the estimator's task, validated against the schema).</summary>
/// <param name="Column">Known-size vector (or scalar) of Single, or a vector of keys for <see cref="FeatureKind.Tokens"/>.</param>
/// <param name="Count">F, the feature vector's size (the fixed sequence length T for tokens).</param>
/// <param name="Kind">Dense values or token keys.</param>
/// <param name="PadId">Token id written after the end of a shorter row (tokens only).</param>
/// <param name="RelativeStepSize">
/// F &gt; 0 makes every row relative to its last time step (windows of a series with a trend): with the row read as
/// T steps of F values, the last step's values are subtracted from every step and its first value from the
/// regression label, so the network learns changes rather than levels (the graph adds the level back). 0: off.
/// See <see cref="Engine.Preprocessing.FeaturePreprocessing"/>.
/// </param>
/// <param name="RejectLongerRows">Tokens only: null truncates rows longer than <see cref="Count"/>; otherwise <see cref="DataScan"/> rejects them.</param>
/// <param name="Shape">The row's shape when the network reads it with more than one axis, e.g. (C, H, W) for images; null when flat.</param>
public sealed record FeatureInput(string Column, int Count, FeatureKind Kind = FeatureKind.Dense, int PadId = 0, int RelativeStepSize = 0,
    LongRowRejection? RejectLongerRows = null, IReadOnlyList<int>? Shape = null);

/// <summary>The columns a supervised trainer reads and their sizes (already validated against the schema).</summary>
/// <param name="Input">The feature column.</param>
/// <param name="LabelColumn">Key column (classification) or Single column (regression).</param>
/// <param name="Target">Classification or regression.</param>
/// <param name="ClassCount">K for classification, 1 for regression.</param>
public sealed record SupervisedColumns(FeatureInput Input, string LabelColumn, TargetKind Target, int ClassCount)
{
    /// <summary>Getters for one row: the features into a span of F floats, and the target.</summary>
    internal RowReader CreateReader(DataViewRowCursor cursor) => new(this, cursor);

    /// <summary>The columns a cursor must make active.</summary>
    internal IEnumerable<DataViewSchema.Column> Active(DataViewSchema schema) => [schema[Input.Column], schema[LabelColumn]];
}

/// <summary>Reads features and target of the cursor's current row.</summary>
internal sealed class RowReader
{
    private readonly FeatureInput _input;
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
        _input = columns.Input;
        var schema = cursor.Schema;
        var features = schema[_input.Column];
        if (_input.Kind == FeatureKind.Tokens) _tokenGetter = cursor.GetGetter<VBuffer<uint>>(features);
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
            destination[n..].Fill(_input.PadId);
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
        if (_buffer.Length != _input.Count)
            throw new InvalidOperationException(
                $"Column '{_input.Column}' has a row with {_buffer.Length} values; expected {_input.Count}.");
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
