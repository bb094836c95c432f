using System.Globalization;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// What a scoring graph says about its model in the ONNX file: the doc string "MlNetDeep network (task)" and
/// "mlnetdeep.*" metadata_props (task, architecture entries, training summary, and the graph input's own entries).
/// </summary>
/// <param name="Task">"classification", "regression" or "sequence-to-sequence".</param>
/// <param name="Architecture">Entries describing the network (e.g. "architecture" = "mlp"), keys without the prefix.</param>
internal sealed record ModelDescription(string Task, IReadOnlyDictionary<string, string> Architecture)
{
    /// <summary>Epochs that ran, or null for an untrained (schema) model.</summary>
    public int? EpochsTrained { get; init; }

    /// <summary>Epoch whose weights were kept, or null for an untrained (schema) model.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>The writer's options for a graph fed by <paramref name="input"/>.</summary>
    /// <param name="input">The graph's input, which may add entries (e.g. the layout of any-size images); null when it adds none.</param>
    internal OnnxModelOptions ToModelOptions(IGraphInput? input = null)
    {
        var options = new OnnxModelOptions { DocString = $"MlNetDeep network ({Task})" };
        options.Metadata["mlnetdeep.task"] = Task;
        foreach (var (key, value) in Architecture) options.Metadata["mlnetdeep." + key] = value;
        if (EpochsTrained is int epochs) options.Metadata["mlnetdeep.epochs_trained"] = epochs.ToString(CultureInfo.InvariantCulture);
        if (BestEpoch is int best) options.Metadata["mlnetdeep.best_epoch"] = best.ToString(CultureInfo.InvariantCulture);
        if (input is not null) foreach (var (key, value) in input.Metadata) options.Metadata["mlnetdeep." + key] = value;
        return options;
    }
}
