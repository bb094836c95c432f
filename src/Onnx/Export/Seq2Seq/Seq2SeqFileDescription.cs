using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetDeep.Engine.Models;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// What another runtime needs to use a decoding file without ML.NET (docs/seq2seq-onnx-format.md): the vocabularies,
/// the reserved ids, how text is cut into tokens and joined again, and the decoding settings fixed in the graph. Written
/// as ONNX metadata_props: <c>mlnetdeep.task</c> = <c>sequence-to-sequence</c> and <c>mlnetdeep.seq2seq</c> = one JSON object.
/// </summary>
/// <param name="SourceTokens">Source vocabulary in id order: token i has id <see cref="Seq2SeqTokens.Reserved"/> + i.</param>
/// <param name="TargetTokens">Target vocabulary in id order, likewise.</param>
/// <param name="SourceTokenUnit">How source text is cut: "characters" (its UTF-16 code units) or "words" (split on spaces).</param>
/// <param name="TargetTokenUnit">How output tokens are joined: "characters" (with "") or "words" (with " ").</param>
internal sealed record Seq2SeqFileDescription(IReadOnlyList<string> SourceTokens, IReadOnlyList<string> TargetTokens, string SourceTokenUnit, string TargetTokenUnit)
{
    /// <summary>Metadata key of the JSON description.</summary>
    public const string MetadataKey = "mlnetdeep.seq2seq";

    /// <summary>Version of the JSON layout; readers must check it.</summary>
    public const int FormatVersion = 1;

    /// <summary>Adds the description of a file decoding with <paramref name="settings"/> to <paramref name="options"/>.</summary>
    /// <param name="options">Writer options of the decoding graph.</param>
    /// <param name="settings">The decoding settings the graph was built with.</param>
    /// <param name="names">The graph's input and output names.</param>
    public void AddTo(OnnxModelOptions options, BeamSearchSettings settings, Seq2SeqGraphNames names)
    {
        CheckUnit(SourceTokenUnit, nameof(SourceTokenUnit));
        CheckUnit(TargetTokenUnit, nameof(TargetTokenUnit));
        var json = new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["source_token_unit"] = SourceTokenUnit,
            ["target_token_unit"] = TargetTokenUnit,
            ["target_token_separator"] = TargetTokenUnit == "words" ? " " : "",
            ["normalization"] = "none",
            ["special_ids"] = new JsonObject
            {
                ["unknown"] = Seq2SeqTokens.Unknown, ["pad"] = Seq2SeqTokens.Pad, ["bos"] = Seq2SeqTokens.Bos, ["eos"] = Seq2SeqTokens.Eos,
            },
            ["first_token_id"] = Seq2SeqTokens.Reserved,
            ["source_vocabulary"] = new JsonArray(SourceTokens.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["target_vocabulary"] = new JsonArray(TargetTokens.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["graph"] = new JsonObject
            {
                ["source"] = names.Source, ["tokens"] = names.Tokens, ["scores"] = names.Scores, ["attention"] = names.Attention,
            },
            ["decoding"] = new JsonObject
            {
                ["beam_size"] = settings.BeamSize,
                ["n_best"] = settings.NBest,
                ["max_length"] = settings.MaxLength,
                ["max_length_ratio"] = settings.MaxLengthRatio,
                ["min_length"] = settings.MinLength,
                ["length_penalty"] = settings.LengthPenalty.ToString().ToLowerInvariant(),
                ["alpha"] = settings.Alpha,
                ["no_repeat_ngram_size"] = settings.NoRepeatNgramSize,
            },
        };
        options.Metadata["mlnetdeep.task"] = "sequence-to-sequence";
        options.Metadata[MetadataKey] = json.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static void CheckUnit(string unit, string name)
    {
        if (unit is not ("characters" or "words")) throw new ArgumentOutOfRangeException(name, unit, "Must be \"characters\" or \"words\".");
    }
}
