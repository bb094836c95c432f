using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// The ONNX stage of a model as a lazy <see cref="IDataView"/> over the stages before it: same schema as the model's
/// OnnxTransformer gives (source columns, then the ONNX outputs), but each cursor runs ONNX Runtime on batches of rows
/// (<see cref="BatchedOnnxCursor"/>). Nothing is read until a cursor moves; a cursor holds one batch at a time.
/// </summary>
internal sealed class BatchedOnnxDataView : DerivedView
{
    /// <summary>Wraps <paramref name="source"/> (the data after the stages before the ONNX one, which the ONNX stage reads).</summary>
    public BatchedOnnxDataView(IDataView source, OnnxStagePlan plan, InferenceSession session, int batchSize) : base(source)
    {
        Plan = plan;
        Session = session;
        BatchSize = plan.Batched ? batchSize : 1;
    }

    /// <summary>Inputs, outputs and layout.</summary>
    public OnnxStagePlan Plan { get; }

    /// <summary>The scorer's shared session.</summary>
    public InferenceSession Session { get; }

    /// <summary>Rows per ONNX Runtime call (1 when the stage cannot be batched).</summary>
    public int BatchSize { get; }

    /// <inheritdoc/>
    public override DataViewSchema Schema => Plan.OutputSchema;

    /// <inheritdoc/>
    public override DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new BatchedOnnxCursor(this, columnsNeeded ?? throw new ArgumentNullException(nameof(columnsNeeded)));
}
