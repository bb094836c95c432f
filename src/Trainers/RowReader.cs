using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Trainers;

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
