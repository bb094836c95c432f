using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MlNetDeep.Transforms;
using MlNetDeep.Transforms.Batching;

namespace MlNetDeep;

/// <summary>
/// Scores data with a model made by an MlNetDeep trainer (typically loaded from model.zip) as <c>model.Transform</c> does
/// (same columns, same types, same values) but runs the model's ONNX stage on batches of rows instead of one row per
/// ONNX Runtime call, which ML.NET's ApplyOnnxModel does. The stages before the ONNX one (e.g. the text vocabulary) and
/// after it (post-processing, the user's own transforms) run in ML.NET as in the model.
/// <para>
/// <see cref="Transform(IDataView)"/> is lazy and streams: nothing is read until a cursor moves, and a cursor holds one
/// batch, whatever the row count. The scorer holds one ONNX Runtime session, shared by all cursors; it is safe to use
/// from several threads at once (each cursor has its own buffers). Dispose it when done; cursors must not be used after.
/// </para>
/// </summary>
public sealed class BatchScorer : IDisposable
{
    private readonly OnnxStageSplit _split;
    private readonly InferenceSession _session;
    private readonly BatchScoringOptions _options;
    private int _disposed;

    /// <summary>Prepares batched scoring of <paramref name="model"/>: finds its ONNX stage and opens an ONNX Runtime session for it.</summary>
    /// <param name="mlContext">The context the model was loaded in (its log receives a GPU fallback warning).</param>
    /// <param name="model">A model with exactly one ApplyOnnxModel stage, e.g. any model.zip saved from a pipeline with one MlNetDeep trainer.</param>
    /// <param name="options">Batch size, session settings and device; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="mlContext"/> or <paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> has no ONNX stage, or more than one.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The GPU cannot be used and <see cref="BatchScoringOptions.FallbackToCpu"/> is false; the message names the cause.</exception>
    public BatchScorer(MLContext mlContext, ITransformer model, BatchScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        _options = (options ?? new BatchScoringOptions()).Snapshot();
        _options.Check();
        _split = OnnxStageSplit.Of(model, nameof(model));
        _session = BatchSession.Create(mlContext, OnnxStageModel.Bytes(mlContext, _split.Onnx), _options, out var device);
        Device = device;
    }

    /// <summary>Rows per ONNX Runtime call (<see cref="BatchScoringOptions.BatchSize"/>).</summary>
    public int BatchSize => _options.BatchSize;

    /// <summary>Where the ONNX stage runs, and why it fell back to the CPU if it did.</summary>
    public ScoringDeviceReport Device { get; }

    /// <summary>
    /// Whether <paramref name="inputSchema"/>'s rows go to ONNX Runtime <see cref="BatchSize"/> at a time. False when a row's
    /// result could depend on the other rows of its batch, and so the ONNX stage runs one row per call (still through this
    /// scorer's session and settings): the encoder–decoder (its token outputs are as long as the longest decoding of the
    /// batch) and the image classifier of any size (its pixel input varies per row).
    /// </summary>
    /// <param name="inputSchema">Schema of the data given to <see cref="Transform(IDataView)"/>.</param>
    public bool IsBatched(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return Plan(ApplyBefore(new EmptyView(inputSchema)).Schema).Batched;
    }

    /// <summary>
    /// The model's output for <paramref name="data"/>: the same columns (names, types, annotations) and values as
    /// <c>model.Transform(data)</c>. Lazy, like any IDataView: rows are read and scored as a cursor moves, a batch at a time.
    /// </summary>
    /// <param name="data">Data with the model's input schema.</param>
    /// <returns>The scored data.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The scorer is disposed.</exception>
    public IDataView Transform(IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        IDataView scored = TransformToOnnxStage(data);
        foreach (var stage in _split.After) scored = ApplyAfter(stage, scored);
        return scored;
    }

    // The trainers' vector → scalar CustomMappings and their CopyColumns/DropColumns tail cost as much per row as a batched
    // ONNX stage: taken over by light views, each used only where it gives the stage's own schema.
    private static IDataView ApplyAfter(ITransformer stage, IDataView data) =>
        FirstElementView<float>.TryReplace<ScoreVectorRow, ScoreRow>(stage, data, TemporaryColumns.ScoreVector, TemporaryColumns.Score)
        ?? FirstElementView<long>.TryReplace<PredictedIndexVectorRow, PredictedIndexRow>(stage, data,
            TemporaryColumns.PredictedIndexVector, TemporaryColumns.PredictedIndex)
        ?? ColumnProjectionView.TryReplace(stage, data)
        ?? stage.Transform(data);

    /// <summary>The data up to and including the batched ONNX stage (without the stages after it).</summary>
    internal IDataView TransformToOnnxStage(IDataView data)
    {
        IDataView source = ApplyBefore(data);
        return new BatchedOnnxDataView(source, Plan(source.Schema), _session, _options.BatchSize);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _session.Dispose();
    }

    private IDataView ApplyBefore(IDataView data)
    {
        foreach (var stage in _split.Before) data = stage.Transform(data);
        return data;
    }

    // The OnnxTransformer's own output schema: its checks of the input columns and the output column types are ML.NET's.
    private OnnxStagePlan Plan(DataViewSchema source) => OnnxStagePlan.Create(_session, source, _split.Onnx.GetOutputSchema(source));

    /// <summary>A view with a schema and no rows, to propagate schemas.</summary>
    private sealed class EmptyView(DataViewSchema schema) : IDataView
    {
        public bool CanShuffle => false;

        public DataViewSchema Schema => schema;

        public long? GetRowCount() => 0;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
            throw new NotSupportedException("A schema-only view has no rows.");

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            throw new NotSupportedException("A schema-only view has no rows.");
    }
}
