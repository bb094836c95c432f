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

    /// <summary>
    /// Fits the chain that <paramref name="build"/> makes around <paramref name="onnxModel"/> and returns it as a chain of built-in
    /// transformers that leaves no file behind once disposed. ApplyOnnxModel(Stream) would copy the bytes to a file under
    /// MLContext.TempFilePath that ML.NET never deletes (docs/ml-net-6-and-onnx-runtime-1.32.md, temp files); a file given by
    /// path is used in place and never deleted. So the chain is fitted around a file of ours, saved and loaded again: the
    /// loaded OnnxTransformer owns its temp file (under MLContext.TempFilePath), which ML.NET deletes when the model is
    /// disposed (or garbage-collected). Our file and the first chain are gone before this returns, also on an exception.
    /// </summary>
    /// <param name="ml">Context of the estimator (its TempFilePath receives the model's file; its log, the messages).</param>
    /// <param name="onnxModel">ONNX bytes of the trained model.</param>
    /// <param name="build">Makes the scoring chain around a model source (<see cref="Classifier"/>, <see cref="AnySizeImageClassifier"/> or <see cref="Regressor"/>).</param>
    /// <param name="data">Data with the input schema (rows are not read).</param>
    /// <param name="scoring">GPU settings: a loaded OnnxTransformer takes them from the loading context, so it is loaded in one that has them.</param>
    public static TransformerChain<ITransformer> Fit(MLContext ml, byte[] onnxModel, Func<OnnxModelSource, IEstimator<ITransformer>> build, IDataView data,
        OnnxScoringOptions scoring)
    {
        string folder = string.IsNullOrEmpty(ml.TempFilePath) ? System.IO.Path.GetTempPath() : ml.TempFilePath;
        string path = System.IO.Path.Combine(folder, $"mlnetdeep-fit-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, onnxModel);
        try
        {
            using var stream = new MemoryStream();
            using (var fitted = Flatten(build(OnnxModelSource.FromFile(path)).Fit(data)))
                ml.Model.Save(fitted, data.Schema, stream);
            return Flatten(Load(ml, stream, scoring));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Loads the saved chain on the requested device, with the GPU checks and fallback of <see cref="DeepLearningModel"/>.</summary>
    private static ITransformer Load(MLContext ml, MemoryStream saved, OnnxScoringOptions scoring) =>
        DeepLearningModel.LoadFitted(ml, saved, scoring.GpuDeviceId, scoring.FallbackToCpu);

    private static TransformerChain<ITransformer> Flatten(ITransformer fitted) => fitted is IEnumerable<ITransformer> parts
        ? new TransformerChain<ITransformer>(parts.ToArray())
        : new TransformerChain<ITransformer>(fitted);
}
