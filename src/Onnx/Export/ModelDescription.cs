using System.Globalization;
using System.Text.Json.Nodes;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// What a scoring graph says about its model in the ONNX file: the doc string "MlNetDeep network (task)" and
/// "mlnetdeep.*" metadata_props (task, architecture entries, training summary, and the graph input's own entries), and
/// <c>mlnetdeep.model</c>, one JSON object that lets a runtime without ML.NET use the file (docs/onnx-metadata.md):
/// what each input expects, the class names, and for text models the vocabulary and how text becomes tokens.
/// </summary>
/// <param name="Task">"classification", "regression" or "sequence-to-sequence".</param>
/// <param name="Architecture">Entries describing the network (e.g. "architecture" = "mlp"), keys without the prefix.</param>
internal sealed record ModelDescription(string Task, IReadOnlyDictionary<string, string> Architecture)
{
    /// <summary>Epochs that ran, or null for an untrained (schema) model.</summary>
    public int? EpochsTrained { get; init; }

    /// <summary>Epoch whose weights were kept, or null for an untrained (schema) model.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>A classifier's class names in output order (the label's key values), or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>How a text model's token input was made, or null.</summary>
    public TextInputDescription? Text { get; init; }

    /// <summary>Metadata key of the JSON description.</summary>
    public const string ModelKey = "mlnetdeep.model";

    /// <summary>Version of the JSON layout; readers must check it.</summary>
    public const int FormatVersion = 1;

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
        options.Metadata[ModelKey] = Json(input).ToJsonString();
        return options;
    }

    private JsonObject Json(IGraphInput? input)
    {
        var json = new JsonObject { ["format_version"] = FormatVersion, ["task"] = Task };
        if (input is { Expectations.Count: > 0 }) json["inputs"] = new JsonObject(input.Expectations.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value))));
        if (ClassNames is not null) json["class_names"] = new JsonArray(ClassNames.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray());
        if (Text is { } text)
        {
            json["text"] = new JsonObject
            {
                ["token_unit"] = text.TokenUnit,
                ["normalization"] = text.Normalization,
                ["vocabulary"] = new JsonArray(text.Vocabulary.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
                ["first_key"] = 1,
                ["unknown_key"] = 0,
                ["maximum_length"] = text.MaximumLength,
                ["longer_texts"] = text.LongerTexts,
                ["pad_id"] = text.PadId,
            };
        }
        json["architecture"] = new JsonObject(Architecture.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value))));
        if (EpochsTrained is int epochs) json["training"] = new JsonObject { ["epochs_trained"] = epochs, ["best_epoch"] = BestEpoch };
        return json;
    }
}
