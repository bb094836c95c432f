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
/// <param name="TokenUnit">"characters" (a text is its characters, joined with "") or "words" (split on spaces, joined with " ").</param>
internal sealed record Seq2SeqFileDescription(IReadOnlyList<string> SourceTokens, IReadOnlyList<string> TargetTokens, string TokenUnit)
{
    /// <summary>Metadata key of the JSON description.</summary>
    public const string MetadataKey = "mlnetdeep.seq2seq";

    /// <summary>Version of the JSON layout; readers must check it.</summary>
    public const int FormatVersion = 1;

    /// <summary>Adds the description of a file decoding with <paramref name="settings"/> to <paramref name="options"/>.</summary>
    /// <param name="options">Writer options of the decoding graph.</param>
    /// <param name="settings">The decoding settings the graph was built with.</param>
    public void AddTo(OnnxModelOptions options, BeamSearchSettings settings)
    {
        if (TokenUnit is not ("characters" or "words"))
            throw new ArgumentOutOfRangeException(nameof(TokenUnit), TokenUnit, "Must be \"characters\" or \"words\".");
        var json = new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["token_unit"] = TokenUnit,
            ["token_separator"] = TokenUnit == "words" ? " " : "",
            ["special_ids"] = new JsonObject
            {
                ["unknown"] = Seq2SeqTokens.Unknown, ["pad"] = Seq2SeqTokens.Pad, ["bos"] = Seq2SeqTokens.Bos, ["eos"] = Seq2SeqTokens.Eos,
            },
            ["first_token_id"] = Seq2SeqTokens.Reserved,
            ["source_vocabulary"] = new JsonArray(SourceTokens.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["target_vocabulary"] = new JsonArray(TargetTokens.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["input"] = "source: int64 [N, S] token ids without EOS, right-padded with the pad id; unknown tokens get the unknown id",
            ["outputs"] = "tokens: int64 [N, n_best, T], each hypothesis ending at its first eos (eos-padded; the unknown id decodes to an empty string); scores: float [N, n_best], best first; attention: float [N, T, S + 1] of the best hypothesis",
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
}
