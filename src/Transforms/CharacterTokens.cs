using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep.Transforms;

/// <summary>
/// ML.NET's character tokenizer names some characters differently from the character itself in its key values (and so in
/// MapKeyToValue's output): a space is "&lt;␠&gt;", control characters are control pictures such as "&lt;␊&gt;", U+0080–U+009F
/// have names such as "&lt;NEL&gt;". Models keep those names internally (the saved tokenizer produces them), but text shown
/// to users or written for other runtimes needs the characters: <see cref="ToCharacter"/> maps a name back. The table is
/// read from ML.NET's own key values (key k is the character with code k), so it follows whatever ML.NET does.
/// </summary>
internal static class CharacterTokens
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Characters = new(Read);

    /// <summary>The character a token of ML.NET's character tokenizer stands for; other tokens unchanged.</summary>
    /// <param name="token">A key value of TokenizeIntoCharactersAsKeys.</param>
    public static string ToCharacter(string token) => Characters.Value.TryGetValue(token, out var character) ? character : token;

    /// <summary>Names that differ from their character → the character; a name shared by several characters (surrogates) is left out.</summary>
    private static IReadOnlyDictionary<string, string> Read()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow() });
        var schema = ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Keys", nameof(TextRow.Text), useMarkerCharacters: false).Fit(data).GetOutputSchema(data.Schema);
        VBuffer<ReadOnlyMemory<char>> names = default;
        schema["Keys"].GetKeyValues(ref names);
        var byName = names.DenseValues().Select((name, i) => (Name: name.ToString(), Character: ((char)(i + 1)).ToString()))
            .Where(x => x.Name != x.Character)
            .GroupBy(x => x.Name)
            .Where(g => g.Count() == 1);
        return byName.ToDictionary(g => g.Key, g => g.Single().Character);
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}
