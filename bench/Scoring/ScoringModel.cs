using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Bench.Scoring;

/// <summary>A model loaded from model.zip in a fresh context, the rows it scores, and a PredictionEngine loop over the same rows.</summary>
/// <param name="Name">Model kind, as in the table.</param>
/// <param name="Ml">Context the model was loaded in.</param>
/// <param name="Model">The loaded model.</param>
/// <param name="Rows">Rows to score.</param>
/// <param name="PredictEach">Scores every row with a PredictionEngine; returns a checksum so nothing is optimised away.</param>
/// <param name="OnnxModel">The model's ONNX bytes (the trainer's report), for raw ONNX Runtime.</param>
internal sealed record ScoringModel(string Name, MLContext Ml, ITransformer Model, IDataView Rows, Func<double> PredictEach, byte[] OnnxModel);

/// <summary>Vector rows for MLP, forecaster and image models: Label for classifiers, Target for the regressor.</summary>
internal sealed class VectorRow
{
    public float[] Features { get; set; } = [];

    public string Label { get; set; } = "";

    public float Target { get; set; }
}

/// <summary>A text row.</summary>
internal sealed class TextRow
{
    public string Text { get; set; } = "";

    public string Label { get; set; } = "";
}

/// <summary>A classifier's scores.</summary>
internal sealed class ScoreVector
{
    public float[] Score { get; set; } = [];
}

/// <summary>A regressor's score.</summary>
internal sealed class ScoreValue
{
    public float Score { get; set; }
}
