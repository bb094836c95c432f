using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Trainers;

namespace MlNetDeep;

/// <summary>
/// Base of MlNetDeep's estimators: <see cref="Fit"/> trains a network with the engine, exports it to ONNX and returns a
/// chain of built-in ML.NET transformers (so the model saves, loads and scores like ML.NET's own);
/// <see cref="GetOutputSchema"/> propagates the schema through the same chain around a stub model.
/// </summary>
public abstract class NetworkEstimator : IEstimator<TransformerChain<ITransformer>>
{
    private readonly SupervisedFitter _fitter;
    private readonly TargetKind _target;
    private readonly string? _predictedLabelColumn;

    private protected NetworkEstimator(MLContext ml, TrainerOptions options, Func<TrainerOptions, INetworkTask> task, string hostName, string? predictedLabelColumn)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(options);
        // Copied, then checked: later changes to the caller's object have no effect on this trainer.
        var snapshot = options.Snapshot();
        snapshot.Check();
        _fitter = new SupervisedFitter(ml, snapshot, task(snapshot), hostName);
        _target = predictedLabelColumn is null ? TargetKind.Regression : TargetKind.Classification;
        _predictedLabelColumn = predictedLabelColumn;
    }

    /// <summary>The ONNX model and history of the last successful <see cref="Fit"/>, or null before it.</summary>
    public TrainingReport? LastTrainingReport { get; private set; }

    /// <summary>Trains on <paramref name="input"/> and returns the scoring model.</summary>
    /// <param name="input">Data with the input and label columns.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type (named in the message).</exception>
    /// <exception cref="InvalidOperationException">The data is empty or holds NaN/∞ values (column, slot and row named).</exception>
    /// <exception cref="OperationCanceledException">The options' CancellationToken was cancelled.</exception>
    public TransformerChain<ITransformer> Fit(IDataView input)
    {
        var (model, report, network) = _fitter.Fit(input, _target, _predictedLabelColumn);
        LastTrainingReport = report;
        OnFitted(network);
        return model;
    }

    /// <summary>Called after each successful <see cref="Fit"/> with the trained network; keeps nothing by default.</summary>
    private protected virtual void OnFitted(FittedNetwork network)
    {
    }

    /// <summary>The schema after scoring: adds Score (and PredictedLabel for classifiers).</summary>
    /// <param name="inputSchema">Schema of the data to score.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _fitter.GetOutputSchema(inputSchema, _target, _predictedLabelColumn);
}
