using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Transforms;

/// <summary>
/// Builds the scoring pipeline a fitted MlNetDeep estimator returns: only built-in ML.NET transformers
/// (ApplyOnnxModel, CustomMapping with a stateless factory, MapValue, CopyColumns, DropColumns), so that
/// mlContext.Model.Save/Load, PredictionEngine and Evaluate work without any custom loader.
/// </summary>
internal static class ScoringChain
{
    /// <summary>
    /// Classifier: the ONNX model reads <paramref name="featureColumn"/> and writes <paramref name="scoreColumn"/>
    /// (float [N, K]) and <see cref="TemporaryColumns.PredictedIndexVector"/> (int64 [N, 1]); the index becomes
    /// <paramref name="predictedLabelColumn"/>, a key whose values are <paramref name="labelKeyValues"/> (the
    /// training label's key values, so MapKeyToValue and Evaluate work as with ML.NET's own trainers).
    /// </summary>
    /// <param name="ml">Context that creates the transformers.</param>
    /// <param name="onnxModel">Model bytes.</param>
    /// <param name="featureColumn">Input column, also the ONNX input name.</param>
    /// <param name="scoreColumn">Probabilities column, also the ONNX output name.</param>
    /// <param name="predictedLabelColumn">Output key column.</param>
    /// <param name="labelKeyValues">The K key values, in key order (index i ↔ key i+1).</param>
    /// <param name="scoring">GPU settings.</param>
    /// <param name="log">Receives warnings such as a GPU fallback.</param>
    public static IEstimator<ITransformer> Classifier(MLContext ml, OnnxModelSource onnxModel, string featureColumn, string scoreColumn,
        string predictedLabelColumn, KeyValueList labelKeyValues, OnnxScoringOptions scoring, Action<string>? log) =>
        ClassifierCore(ml, onnxModel, [featureColumn], scoreColumn, predictedLabelColumn, labelKeyValues, scoring, log);

    /// <summary>
    /// Classifier of encoded images of any size (the ONNX model has <c>AnySizeImageGraphInput</c>'s inputs
    /// <see cref="TemporaryColumns.ImagePixels"/> and <see cref="TemporaryColumns.ImageSize"/>):
    /// <code>
    /// CopyColumns(ImageBytes ← imageBytesColumn) → DecodeImage (pixels R,G,B,A planes, H, W, problem)
    ///   → Expression (constant settings: column name, minimum size) → CheckImage (size, or a clear exception)
    ///   → ApplyOnnxModel(pixels, size) → the <see cref="Classifier"/> post-processing → DropColumns(temporaries)
    /// </code>
    /// All built-in transformers, so the chain saves and loads like <see cref="Classifier"/>'s.
    /// </summary>
    /// <param name="ml">Context that creates the transformers.</param>
    /// <param name="onnxModel">Model bytes.</param>
    /// <param name="imageBytesColumn">Encoded images, Vector&lt;Byte&gt; (e.g. from LoadRawImageBytes).</param>
    /// <param name="minimumHeight">Smallest H the network accepts.</param>
    /// <param name="minimumWidth">Smallest W the network accepts.</param>
    /// <param name="scoreColumn">Probabilities column, also the ONNX output name.</param>
    /// <param name="predictedLabelColumn">Output key column.</param>
    /// <param name="labelKeyValues">The K key values, in key order (index i ↔ key i+1).</param>
    /// <param name="scoring">GPU settings.</param>
    /// <param name="log">Receives warnings such as a GPU fallback.</param>
    public static IEstimator<ITransformer> AnySizeImageClassifier(MLContext ml, OnnxModelSource onnxModel, string imageBytesColumn,
        int minimumHeight, int minimumWidth, string scoreColumn, string predictedLabelColumn, KeyValueList labelKeyValues,
        OnnxScoringOptions scoring, Action<string>? log)
    {
        var settings = new ImageScoringSettings(imageBytesColumn, minimumHeight, minimumWidth);
        bool copy = imageBytesColumn != TemporaryColumns.ImageBytes;
        IEstimator<ITransformer> decode = ml.Transforms.CustomMapping(new DecodeImageFactory().GetMapping(), DecodeImageFactory.ContractName);
        if (copy) decode = ml.Transforms.CopyColumns(TemporaryColumns.ImageBytes, imageBytesColumn).Append(decode);
        string[] temporaries = [.. copy ? [TemporaryColumns.ImageBytes] : Array.Empty<string>(), TemporaryColumns.ImagePixels, TemporaryColumns.ImageHeight,
            TemporaryColumns.ImageWidth, TemporaryColumns.ImageProblem, TemporaryColumns.ImageSettings, TemporaryColumns.ImageSize];
        return decode
            .Append(settings.CreateConstantColumn(ml, TemporaryColumns.ImageSettings, TemporaryColumns.ImageHeight))
            .Append(ml.Transforms.CustomMapping(new CheckImageFactory().GetMapping(), CheckImageFactory.ContractName))
            .Append(ClassifierCore(ml, onnxModel, [TemporaryColumns.ImagePixels, TemporaryColumns.ImageSize], scoreColumn, predictedLabelColumn,
                labelKeyValues, scoring, log))
            .Append(ml.Transforms.DropColumns(temporaries));
    }

    private static IEstimator<ITransformer> ClassifierCore(MLContext ml, OnnxModelSource onnxModel, string[] inputColumns, string scoreColumn,
        string predictedLabelColumn, KeyValueList labelKeyValues, OnnxScoringOptions scoring, Action<string>? log)
    {
        var onnx = OnnxModelApplier.Create(ml, [scoreColumn, TemporaryColumns.PredictedIndexVector], inputColumns, onnxModel, scoring, log);
        return onnx
            .Append(ml.Transforms.CustomMapping(new PredictedIndexToScalarFactory().GetMapping(), PredictedIndexToScalarFactory.ContractName))
            .Append(labelKeyValues.CreateIndexToKey(ml, predictedLabelColumn, TemporaryColumns.PredictedIndex))
            .Append(ml.Transforms.DropColumns(TemporaryColumns.PredictedIndexVector, TemporaryColumns.PredictedIndex));
    }

    /// <summary>
    /// Regressor: the ONNX model reads <paramref name="featureColumn"/> and writes <see cref="TemporaryColumns.ScoreVector"/>
    /// (float [N, 1]), which becomes the Single column <paramref name="scoreColumn"/>.
    /// </summary>
    /// <param name="ml">Context that creates the transformers.</param>
    /// <param name="onnxModel">Model bytes.</param>
    /// <param name="featureColumn">Input column, also the ONNX input name.</param>
    /// <param name="scoreColumn">Output Single column.</param>
    /// <param name="scoring">GPU settings.</param>
    /// <param name="log">Receives warnings such as a GPU fallback.</param>
    public static IEstimator<ITransformer> Regressor(MLContext ml, OnnxModelSource onnxModel, string featureColumn, string scoreColumn,
        OnnxScoringOptions scoring, Action<string>? log)
    {
        var onnx = OnnxModelApplier.Create(ml, [TemporaryColumns.ScoreVector], [featureColumn], onnxModel, scoring, log);
        return onnx
            .Append(ml.Transforms.CustomMapping(new ScoreToScalarFactory().GetMapping(), ScoreToScalarFactory.ContractName))
            .Append(ml.Transforms.CopyColumns(scoreColumn, TemporaryColumns.Score))
            .Append(ml.Transforms.DropColumns(TemporaryColumns.ScoreVector, TemporaryColumns.Score));
    }

    /// <summary>
    /// Output schema of the chain that <paramref name="build"/> makes around a stub model of the right signature.
    /// The stub goes through a temporary file deleted before returning, so schema propagation leaves nothing on disk
    /// (ML.NET would otherwise keep a copy of streamed bytes under MLContext.TempFilePath until the transformer is disposed).
    /// </summary>
    /// <param name="stubModel">ONNX bytes with the trained model's inputs and outputs.</param>
    /// <param name="build">Makes the scoring chain around a model source.</param>
    /// <param name="inputSchema">Schema to propagate.</param>
    public static SchemaShape OutputSchema(byte[] stubModel, Func<OnnxModelSource, IEstimator<ITransformer>> build, SchemaShape inputSchema)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mlnetdeep-schema-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, stubModel);
        try
        {
            return build(OnnxModelSource.FromFile(path)).GetOutputSchema(inputSchema);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Fits <paramref name="estimator"/> and flattens the result into a chain of its built-in transformers.</summary>
    /// <param name="estimator">A chain made by <see cref="Classifier"/>, <see cref="AnySizeImageClassifier"/> or <see cref="Regressor"/>.</param>
    /// <param name="data">Data with the input schema (rows are not read).</param>
    public static TransformerChain<ITransformer> Fit(IEstimator<ITransformer> estimator, IDataView data)
    {
        var fitted = estimator.Fit(data);
        return fitted is IEnumerable<ITransformer> parts
            ? new TransformerChain<ITransformer>(parts.ToArray())
            : new TransformerChain<ITransformer>(fitted);
    }
}
