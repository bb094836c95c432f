using Microsoft.ML;
using Microsoft.ML.Transforms.Onnx;

namespace MlNetDeep.Transforms.Batching;

/// <summary>
/// A model cut at its ONNX stage: the transformers before the OnnxTransformer (e.g. the text vocabulary), the
/// OnnxTransformer, and those after it (CustomMapping, MapValue, CopyColumns, DropColumns, the user's own). Nested
/// chains (a user pipeline around a trainer's chain) are flattened first; order is kept, so applying
/// <see cref="Before"/>, the ONNX stage and <see cref="After"/> in turn is what the model's Transform does.
/// </summary>
internal sealed class OnnxStageSplit
{
    private OnnxStageSplit(ITransformer[] before, OnnxTransformer onnx, ITransformer[] after)
    {
        Before = before;
        Onnx = onnx;
        After = after;
    }

    /// <summary>Transformers applied before the ONNX stage, in order.</summary>
    public ITransformer[] Before { get; }

    /// <summary>The model's only OnnxTransformer.</summary>
    public OnnxTransformer Onnx { get; }

    /// <summary>Transformers applied after the ONNX stage, in order.</summary>
    public ITransformer[] After { get; }

    /// <summary>Cuts <paramref name="model"/>; throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> unless it has exactly one OnnxTransformer.</summary>
    /// <param name="model">A loaded or fitted model.</param>
    /// <param name="paramName">The argument to name in errors.</param>
    public static OnnxStageSplit Of(ITransformer model, string paramName)
    {
        var parts = new List<ITransformer>();
        Flatten(model, parts);
        int[] onnx = [.. parts.Select((t, i) => (t, i)).Where(p => p.t is OnnxTransformer).Select(p => p.i)];
        if (onnx.Length == 0)
            throw new ArgumentException($"The model has no ONNX stage (no OnnxTransformer among its {parts.Count} transformers: " +
                $"{string.Join(", ", parts.Select(p => p.GetType().Name))}); BatchScorer batches the ApplyOnnxModel stage of a model " +
                "made by an MlNetDeep trainer.", paramName);
        if (onnx.Length > 1)
            throw new ArgumentException($"The model has {onnx.Length} ONNX stages (OnnxTransformer at positions {string.Join(", ", onnx)} of its " +
                $"flattened chain); BatchScorer batches a model with exactly one, as every MlNetDeep trainer makes.", paramName);
        int at = onnx[0];
        return new OnnxStageSplit([.. parts.Take(at)], (OnnxTransformer)parts[at], [.. parts.Skip(at + 1)]);
    }

    private static void Flatten(ITransformer transformer, List<ITransformer> parts)
    {
        // TransformerChain<T> enumerates its transformers; anything else is one stage.
        if (transformer is IEnumerable<ITransformer> chain)
            foreach (var part in chain) Flatten(part, parts);
        else
            parts.Add(transformer);
    }
}
