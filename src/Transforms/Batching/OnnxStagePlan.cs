using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace MlNetDeep.Transforms.Batching;

/// <summary>How one ONNX input is filled from its column.</summary>
internal enum InputLayout
{
    /// <summary>Every non-batch dimension is known: a batch is [B, d₁, …] of the rows' values in order.</summary>
    Fixed,

    /// <summary>
    /// Token keys uint32 [N, S] with S varying per row (the text graphs' input, fed by a Vector&lt;Key&lt;UInt32, V&gt;&gt;
    /// column): a batch is [B, max S], each row padded after its end with V + 1, the pad id the text graph itself pads
    /// with (TextTask: pad id = vocabulary size + 1; TokenInputGraph pads every row to T with it), so each row's
    /// ids inside the graph are the same as when it is sent alone. Only for graphs <see cref="OnnxStagePlan.PadsTokenKeys"/> recognises.
    /// </summary>
    PaddedKeys,

    /// <summary>One dimension varies per row and there is no padding known to be neutral: one row per call, that dimension taken from the row.</summary>
    PerRow,
}

/// <summary>An ONNX input: its column, element type, non-batch dimensions (−1 where symbolic) and layout.</summary>
internal sealed record InputPlan(string Name, DataViewSchema.Column Column, Type ElementType, int[] Dimensions, InputLayout Layout, uint PadKey);

/// <summary>An ONNX output: its column in the stage's output schema (the type OnnxTransformer gives it) and element type.</summary>
internal sealed record OutputPlan(string Name, DataViewSchema.Column Column, Type ElementType);

/// <summary>
/// What the ONNX stage reads and writes for one input schema, and whether it can run in batches: every input and output
/// has a symbolic batch dimension first (all MlNetDeep graphs do), every output's other dimensions are known (so a
/// row's values do not depend on the other rows of its batch; the seq2seq graph's token outputs [N, n, T] have a T that
/// is the longest decoding of the batch, so that model kind runs one row per call), and every input is
/// <see cref="InputLayout.Fixed"/> or <see cref="InputLayout.PaddedKeys"/>.
/// </summary>
internal sealed class OnnxStagePlan
{
    private OnnxStagePlan(DataViewSchema outputSchema, int sourceColumns, InputPlan[] inputs, OutputPlan[] outputs, bool batched)
    {
        OutputSchema = outputSchema;
        SourceColumns = sourceColumns;
        Inputs = inputs;
        Outputs = outputs;
        Batched = batched;
    }

    /// <summary>The OnnxTransformer's output schema: the source columns (same indices), then <see cref="Outputs"/>.</summary>
    public DataViewSchema OutputSchema { get; }

    /// <summary>Number of source columns (the first columns of <see cref="OutputSchema"/>).</summary>
    public int SourceColumns { get; }

    /// <summary>ONNX inputs.</summary>
    public InputPlan[] Inputs { get; }

    /// <summary>ONNX outputs the stage adds, in column order.</summary>
    public OutputPlan[] Outputs { get; }

    /// <summary>Whether rows go to ONNX Runtime in batches (else one per call).</summary>
    public bool Batched { get; }

    /// <summary>
    /// Whether the model is a text graph of MlNetDeep's (producer "MlNetDeep", metadata "mlnetdeep.tokens"), whose token
    /// input pads every row with the key count + 1 (TokenInputGraph), so padding a batch with that id changes nothing.
    /// Token keys of any other graph are sent one row per call.
    /// </summary>
    public static bool PadsTokenKeys(InferenceSession session) =>
        session.ModelMetadata.ProducerName == "MlNetDeep" && session.ModelMetadata.CustomMetadataMap.ContainsKey("mlnetdeep.tokens");

    /// <summary>Plans the stage for <paramref name="sourceSchema"/>; <paramref name="outputSchema"/> is the OnnxTransformer's output schema for it.</summary>
    public static OnnxStagePlan Create(InferenceSession session, DataViewSchema sourceSchema, DataViewSchema outputSchema)
    {
        int sourceCount = sourceSchema.Count;
        for (int i = 0; i < sourceCount; i++)
            if (outputSchema[i].Name != sourceSchema[i].Name || !outputSchema[i].Type.Equals(sourceSchema[i].Type))
                throw new InvalidOperationException($"The ONNX stage's output schema does not start with its input columns (column {i}: " +
                    $"'{outputSchema[i].Name}' vs '{sourceSchema[i].Name}'): BatchScorer relies on ML.NET appending the ONNX outputs after them.");

        bool padsTokens = PadsTokenKeys(session);
        var inputs = session.InputMetadata.Select(p => PlanInput(p.Key, p.Value, sourceSchema, padsTokens)).ToArray();
        var outputs = new List<OutputPlan>();
        bool outputsFixed = true;
        for (int i = sourceCount; i < outputSchema.Count; i++)
        {
            var column = outputSchema[i];
            if (!session.OutputMetadata.TryGetValue(column.Name, out var meta))
                throw new InvalidOperationException($"The ONNX stage adds column '{column.Name}', which is not an output of its ONNX model " +
                    $"(outputs: {string.Join(", ", session.OutputMetadata.Keys)}).");
            if (column.Type is not VectorDataViewType vector || vector.ItemType.RawType != meta.ElementType || !meta.IsTensor)
                throw new NotSupportedException($"ONNX output '{column.Name}' ({meta.ElementType.Name} tensor, column type {column.Type}) is not a " +
                    "numeric tensor read as a vector column; BatchScorer supports the numeric outputs of MlNetDeep's graphs.");
            outputsFixed &= meta.Dimensions.Length >= 2 && meta.Dimensions[0] < 0 && meta.Dimensions.Skip(1).All(d => d > 0);
            outputs.Add(new OutputPlan(column.Name, column, meta.ElementType));
        }
        bool batched = outputsFixed && inputs.All(p => p.Layout != InputLayout.PerRow);
        return new OnnxStagePlan(outputSchema, sourceCount, inputs, [.. outputs], batched);
    }

    private static InputPlan PlanInput(string name, NodeMetadata meta, DataViewSchema sourceSchema, bool padsTokens)
    {
        // The OnnxTransformer's own schema check has passed by now, so the column exists and has the input's type.
        var column = sourceSchema[name];
        var item = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
        if (!meta.IsTensor || item.RawType != meta.ElementType || !meta.ElementType.IsValueType)
            throw new NotSupportedException($"ONNX input '{name}' ({meta.ElementType.Name} tensor) is fed by column '{name}' of type {column.Type}; " +
                "BatchScorer supports numeric and key columns whose raw type is the input's element type.");
        int[] dims = meta.Dimensions.Length == 0 ? [] : meta.Dimensions[1..];
        int dynamic = dims.Count(d => d <= 0);
        bool batchFirst = meta.Dimensions.Length >= 2 && meta.Dimensions[0] < 0;
        if (dynamic > 1)
            throw new NotSupportedException($"ONNX input '{name}' has {dynamic} symbolic dimensions besides the batch ({string.Join(", ", meta.Dimensions)}); " +
                "BatchScorer supports at most one, as ApplyOnnxModel does without a shape dictionary.");
        var layout = !batchFirst ? InputLayout.PerRow
            : dynamic == 0 ? InputLayout.Fixed
            : padsTokens && dims.Length == 1 && item is KeyDataViewType key && meta.ElementType == typeof(uint) && key.Count < uint.MaxValue ? InputLayout.PaddedKeys
            : InputLayout.PerRow;
        uint pad = layout == InputLayout.PaddedKeys ? checked((uint)((KeyDataViewType)item).Count + 1) : 0;
        return new InputPlan(name, column, meta.ElementType, dims, layout, pad);
    }
}
