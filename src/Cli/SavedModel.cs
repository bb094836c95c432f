using System.IO.Compression;
using Microsoft.ML;
using MlNetDeep.Transforms.Batching;

namespace MlNetDeep.Cli;

/// <summary>
/// A model.zip loaded for the tool: the ML.NET model, the input schema saved with it, and the bytes and self-description of
/// its ONNX stage. Loading failures become <see cref="CliException"/>s that name the file and say what is wrong with it.
/// </summary>
internal sealed class SavedModel
{
    private SavedModel(MLContext ml, ITransformer model, DataViewSchema inputSchema, byte[] onnx)
    {
        Ml = ml;
        Model = model;
        InputSchema = inputSchema;
        Onnx = onnx;
        Description = OnnxDescription.Read(onnx);
    }

    /// <summary>The context the model was loaded in.</summary>
    public MLContext Ml { get; }

    /// <summary>The loaded model.</summary>
    public ITransformer Model { get; }

    /// <summary>The input schema saved in model.zip (the training data's schema).</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>The ONNX stage's model bytes, as the trainer exported them.</summary>
    public byte[] Onnx { get; }

    /// <summary>What the ONNX file says about itself (task, class names, opset, architecture, training).</summary>
    public OnnxDescription Description { get; }

    /// <summary>Loads <paramref name="path"/>; throws <see cref="CliException"/> for a missing, unreadable or foreign file.</summary>
    public static SavedModel Load(string path)
    {
        if (!File.Exists(path))
            throw new CliException(Directory.Exists(path) ? $"Model '{path}' is a folder; expected a model.zip file." : $"Model file '{path}' not found.");
        var ml = new MLContext(seed: 1);
        ITransformer model;
        DataViewSchema schema;
        try
        {
            // A zip check first: ML.NET's message for random bytes is about its repository, not the file.
            using (var zip = ZipFile.OpenRead(path)) _ = zip.Entries.Count;
            model = ml.Model.Load(path, out schema);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or InvalidOperationException or ArgumentException or EndOfStreamException)
        {
            throw new CliException($"Model '{path}' is not a readable model.zip (corrupt or truncated?): {e.Message}", e);
        }
        byte[] onnx;
        try
        {
            onnx = OnnxStageModel.Bytes(ml, OnnxStageSplit.Of(model, "model").Onnx);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"Model '{path}' is an ML.NET model but not one made by an MlNetDeep trainer: {e.Message}", e);
        }
        if (schema is null) throw new CliException($"Model '{path}' was saved without its input schema; the tool needs it to read input files.");
        return new SavedModel(ml, model, schema, onnx);
    }
}
