using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// A cursor of <see cref="BatchedOnnxDataView"/>. When the rows of its current batch are used up, it reads up to B
/// rows from one upstream cursor (the ONNX inputs into <see cref="BatchInput"/>s, the other columns asked for into
/// <see cref="ColumnCache"/>s), runs the session once on [B, …] tensors and keeps the outputs; then it serves those B
/// rows. Memory is one batch whatever the row count; ONNX Runtime runs only when an ONNX output column is asked for.
/// </summary>
internal sealed class BatchedOnnxCursor : DataViewRowCursor
{
    private readonly BatchedOnnxDataView _view;
    private readonly DataViewRowCursor _upstream;
    private readonly bool[] _active;
    private readonly ColumnCache?[] _caches; // by source column index
    private readonly BatchOutput?[] _outputs; // by output index (column index − source columns)
    private readonly BatchInput[] _inputs; // empty when no output is asked for
    private readonly ValueGetter<DataViewRowId> _upstreamId;
    private readonly DataViewRowId[] _ids;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly BatchOutput[] _runOutputs;
    private readonly RunOptions? _runOptions;
    private readonly Func<int> _currentSlot;
    private int _count;
    private int _slot = -1;
    private long _position = -1;
    private bool _upstreamDone;
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failure; // a row's ONNX Runtime error, thrown when that row is reached

    public BatchedOnnxCursor(BatchedOnnxDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        _view = view;
        var plan = view.Plan;
        _active = new bool[plan.OutputSchema.Count];
        foreach (var column in columnsNeeded)
        {
            if (column.Index >= _active.Length || plan.OutputSchema[column.Index].Name != column.Name)
                throw new ArgumentException($"Column '{column.Name}' (index {column.Index}) is not a column of this data view.", nameof(columnsNeeded));
            _active[column.Index] = true;
        }
        bool runOnnx = _active.Skip(plan.SourceColumns).Any(a => a);
        var upstreamColumns = new HashSet<int>(Enumerable.Range(0, plan.SourceColumns).Where(i => _active[i]));
        if (runOnnx) upstreamColumns.UnionWith(plan.Inputs.Select(i => i.Column.Index));
        var source = view.Source.Schema;
        _upstream = view.Source.GetRowCursor(upstreamColumns.Select(i => source[i]));

        int capacity = view.BatchSize;
        _currentSlot = () => _slot;
        _caches = new ColumnCache?[plan.SourceColumns];
        for (int i = 0; i < plan.SourceColumns; i++)
            if (_active[i]) _caches[i] = ColumnCache.Create(_upstream, source[i], capacity);
        _inputs = runOnnx ? [.. plan.Inputs.Select(p => BatchInput.Create(p, _upstream, capacity))] : [];
        _outputs = [.. plan.Outputs.Select(p => _active[p.Column.Index] ? BatchOutput.Create(p) : null)];
        _runOutputs = [.. _outputs.OfType<BatchOutput>()];
        _inputNames = [.. _inputs.Select(i => i.Name)];
        _outputNames = [.. _runOutputs.Select(o => o.Name)];
        _runOptions = runOnnx ? new RunOptions() : null;
        _upstreamId = _upstream.GetIdGetter();
        _ids = new DataViewRowId[capacity];
    }

    public override DataViewSchema Schema => _view.Schema;

    public override long Position => _position;

    public override long Batch => 0;

    public override bool IsColumnActive(DataViewSchema.Column column) => column.Index < _active.Length && _active[column.Index];

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) =>
    {
        EnsureOnRow();
        value = _ids[_slot];
    };

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!IsColumnActive(column))
            throw new InvalidOperationException($"Column '{column.Name}' was not asked for when this cursor was made, so it cannot be read.");
        int sources = _view.Plan.SourceColumns;
        return column.Index < sources ? _caches[column.Index]!.Getter<TValue>(_currentSlot) : _outputs[column.Index - sources]!.Getter<TValue>(_currentSlot);
    }

    public override bool MoveNext()
    {
        if (_slot + 1 < _count)
        {
            _slot++;
            _position++;
            return true;
        }
        ThrowFailure();
        if (_upstreamDone || !ReadBatch())
        {
            _slot = _count; // after the end: getters throw
            return false;
        }
        if (_count == 0) ThrowFailure(); // the batch's first row failed
        _slot = 0;
        _position++;
        return true;
    }

    /// <summary>Throws the error of the row the cursor has reached, if scoring it failed; the cursor then ends.</summary>
    private void ThrowFailure()
    {
        if (_failure is not { } failure) return;
        _failure = null;
        _count = 0;
        _slot = 0;
        failure.Throw();
    }

    /// <summary>Reads up to B upstream rows and scores them; false when there are none left.</summary>
    private bool ReadBatch()
    {
        _count = 0;
        while (_count < _ids.Length)
        {
            if (!_upstream.MoveNext())
            {
                _upstreamDone = true;
                break;
            }
            _upstreamId(ref _ids[_count]);
            foreach (var cache in _caches) cache?.Store(_count);
            foreach (var input in _inputs) input.Read(_count);
            _count++;
        }
        if (_count == 0) return false;
        if (_inputs.Length > 0) Run();
        return true;
    }

    /// <summary>
    /// Scores the batch in one call. If ONNX Runtime rejects it (e.g. a text longer than the model accepts, under
    /// LongerTexts = Reject), the batch is scored again row by row, as ApplyOnnxModel would: the rows before the failing
    /// one are served, and its error (ApplyOnnxModel's, for that row alone) is thrown when the cursor reaches it.
    /// </summary>
    private void Run()
    {
        try
        {
            RunOnce(_count, slot: -1);
        }
        catch (OnnxRuntimeException) when (_count > 1)
        {
            for (int r = 0; r < _count; r++)
            {
                try
                {
                    RunOnce(1, slot: r);
                }
                catch (OnnxRuntimeException ex)
                {
                    _failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
                    _count = r;
                    _upstreamDone = true;
                    return;
                }
            }
        }
    }

    /// <summary>One ONNX Runtime call: the whole batch (<paramref name="slot"/> = −1) or slot <paramref name="slot"/> alone.</summary>
    private void RunOnce(int count, int slot)
    {
        var values = new OrtValue[_inputs.Length];
        try
        {
            for (int i = 0; i < _inputs.Length; i++) values[i] = slot < 0 ? _inputs[i].Tensor(count) : _inputs[i].RowTensor(slot);
            using var results = _view.Session.Run(_runOptions!, _inputNames, values, _outputNames);
            int k = 0;
            foreach (var result in results)
            {
                if (slot < 0) _runOutputs[k++].Take(result, count);
                else _runOutputs[k++].TakeRow(result, slot);
            }
        }
        finally
        {
            foreach (var value in values) value?.Dispose();
        }
    }

    private void EnsureOnRow()
    {
        if (_slot < 0 || _slot >= _count) throw new InvalidOperationException("The cursor is not on a row: call MoveNext first, and only while it returns true.");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _upstream.Dispose();
            _runOptions?.Dispose();
        }
        base.Dispose(disposing);
    }
}
