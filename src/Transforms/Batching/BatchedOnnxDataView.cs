using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// The ONNX stage of a model as a lazy <see cref="IDataView"/> over the stages before it: same schema as the model's
/// OnnxTransformer gives (source columns, then the ONNX outputs), but each cursor runs ONNX Runtime on batches of rows
/// (<see cref="BatchedOnnxCursor"/>). Nothing is read until a cursor moves; a cursor holds one batch at a time.
/// </summary>
internal sealed class BatchedOnnxDataView : IDataView
{
    /// <summary>Wraps <paramref name="source"/> (the data after the stages before the ONNX one).</summary>
    public BatchedOnnxDataView(IDataView source, OnnxStagePlan plan, InferenceSession session, int batchSize)
    {
        Source = source;
        Plan = plan;
        Session = session;
        BatchSize = plan.Batched ? batchSize : 1;
    }

    /// <summary>The data the ONNX stage reads.</summary>
    public IDataView Source { get; }

    /// <summary>Inputs, outputs and layout.</summary>
    public OnnxStagePlan Plan { get; }

    /// <summary>The scorer's shared session.</summary>
    public InferenceSession Session { get; }

    /// <summary>Rows per ONNX Runtime call (1 when the stage cannot be batched).</summary>
    public int BatchSize { get; }

    /// <inheritdoc/>
    public bool CanShuffle => false;

    /// <inheritdoc/>
    public DataViewSchema Schema => Plan.OutputSchema;

    /// <inheritdoc/>
    public long? GetRowCount() => Source.GetRowCount();

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new BatchedOnnxCursor(this, columnsNeeded ?? throw new ArgumentNullException(nameof(columnsNeeded)));

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
