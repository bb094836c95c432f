using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>How the trainer reads the feature column (see <see cref="SupervisedColumns"/>).</summary>
/// <param name="Kind">Dense values or token keys.</param>
/// <param name="Count">F, or T for tokens.</param>
/// <param name="PadId">Pad token id.</param>
/// <param name="RelativeStepSize">F per step when rows are made relative to their last step, else 0.</param>
/// <param name="RejectLongerRows">Tokens only: null truncates rows longer than <paramref name="Count"/>, otherwise the data scan rejects them.</param>
internal sealed record FeatureSpec(FeatureKind Kind, int Count, int PadId = 0, int RelativeStepSize = 0, LongRowRejection? RejectLongerRows = null);

/// <summary>
/// What differs between estimators (MLP on vectors, CNN on images, networks on text): the input column and its
/// learned preprocessing, the network, and how the graph receives the features. The fitting steps around it are
/// shared by <see cref="SupervisedFitter"/>.
/// </summary>
internal interface INetworkTask
{
    /// <summary>Learned preprocessing made of built-in transforms (e.g. a vocabulary), fitted on the training data; null if none.</summary>
    TransformerChain<ITransformer>? FitPreprocessing(MLContext ml, IDataView training);

    /// <summary>The same preprocessing unfitted, for schema propagation; null if none.</summary>
    IEstimator<ITransformer>? Preprocessing(MLContext ml);

    /// <summary>Checks the feature column of the preprocessed data; returns how the trainer reads it.</summary>
    FeatureSpec Features(DataViewSchema schema, string paramName);

    /// <summary>Checks the feature column in a SchemaShape (before preprocessing).</summary>
    void CheckFeatures(SchemaShape schema);

    /// <summary>Column the ONNX model reads (after preprocessing).</summary>
    string OnnxInputColumn { get; }

    /// <summary>Adjusts the training statistics the trainer and the graph standardise with (e.g. per image channel); identity by default.</summary>
    DataScan Statistics(DataScan scan) => scan;

    /// <summary>The network: (B, features) → (B, outputs).</summary>
    Module Build(SupervisedColumns columns, Rng rng);

    /// <summary>The graph input matching the trainer's batches.</summary>
    IGraphInput GraphInput(SupervisedColumns columns, DataScan scan);

    /// <summary>An untrained graph input + network with the right signature, for schema propagation.</summary>
    (IGraphInput Input, Module Network) Stub(int outputs);

    /// <summary>Columns the preprocessing adds that the final model drops (e.g. token keys).</summary>
    IReadOnlyList<string> TemporaryColumns { get; }

    /// <summary>Architecture description written into the ONNX metadata.</summary>
    IReadOnlyDictionary<string, string> Metadata { get; }
}
