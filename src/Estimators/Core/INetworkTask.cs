using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>
/// What differs between estimators (MLP on vectors, CNN on images, networks on text): the input column and its
/// learned preprocessing, and the model built for it. Immutable: every member depends only on the options it was
/// created with and its arguments. <see cref="SupervisedFitter"/> calls each once per Fit, in the order listed.
/// </summary>
internal interface INetworkTask
{
    /// <summary>Learned preprocessing made of built-in transforms (e.g. a vocabulary), fitted on the training data; null if none.</summary>
    TransformerChain<ITransformer>? FitPreprocessing(MLContext ml, IDataView training) => null;

    /// <summary>Checks the input column of the preprocessed data and describes how the trainer reads it.</summary>
    /// <param name="schema">Schema after <see cref="FitPreprocessing"/>.</param>
    /// <param name="paramName">"input" or "ValidationSet", for messages.</param>
    FeatureInput DescribeInput(DataViewSchema schema, string paramName);

    /// <summary>
    /// Checks what only the training data's content shows (e.g. a vocabulary without a token), after the label's classes
    /// are known to be fine; throws naming the column. Nothing by default.
    /// </summary>
    /// <param name="schema">Schema of the training data after <see cref="FitPreprocessing"/>.</param>
    void CheckTrainingContent(DataViewSchema schema)
    {
    }

    /// <summary>
    /// Checks a user-defined network (the CustomNetwork option) against the input's shape and the classes, before any data
    /// is read; returns its summary (logged by Fit), or null when the task builds one of its own architectures.
    /// </summary>
    /// <param name="columns">Input and label columns.</param>
    NetworkSummary? CheckNetwork(SupervisedColumns columns) => null;

    /// <summary>For a text model, how its token input is made from raw text (written into the ONNX metadata); null by default.</summary>
    /// <param name="schema">Schema of the training data after <see cref="FitPreprocessing"/>.</param>
    TextInputDescription? DescribeText(DataViewSchema schema) => null;

    /// <summary>The model for <paramref name="columns"/>: network, preprocessing and graph input, from the training statistics.</summary>
    TaskModel Build(SupervisedColumns columns, DataScan scan, Rng rng);

    /// <summary>Column the ONNX model reads (after preprocessing).</summary>
    string OnnxInputColumn { get; }

    /// <summary>Columns the preprocessing adds that the final model drops (e.g. token keys).</summary>
    IReadOnlyList<string> TemporaryColumns => [];

    /// <summary>For GetOutputSchema: the same preprocessing unfitted; null if none.</summary>
    IEstimator<ITransformer>? Preprocessing(MLContext ml) => null;

    /// <summary>For GetOutputSchema: checks the input column in a SchemaShape (before preprocessing).</summary>
    void CheckInput(SchemaShape schema);

    /// <summary>For GetOutputSchema: an untrained model with the right graph signature and <paramref name="outputs"/> outputs.</summary>
    TaskModel Stub(int outputs);
}
