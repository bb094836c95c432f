namespace MlNetDeep.Onnx.Export;

/// <summary>How a text model's input was made from raw text, for a reader without ML.NET (the "text" object of <c>mlnetdeep.model</c>).</summary>
/// <param name="TokenUnit">"words" or "characters".</param>
/// <param name="Normalization">What was done to the text before it was cut, in words.</param>
/// <param name="Vocabulary">The tokens in key order: key k ≥ 1 is Vocabulary[k − 1]; key 0 is an unknown token.</param>
/// <param name="MaximumLength">T, tokens the graph reads per text.</param>
/// <param name="LongerTexts">"truncate" or "reject".</param>
/// <param name="PadId">Id the graph pads shorter texts with (the vocabulary size + 1).</param>
internal sealed record TextInputDescription(string TokenUnit, string Normalization, IReadOnlyList<string> Vocabulary, int MaximumLength, string LongerTexts, long PadId);
