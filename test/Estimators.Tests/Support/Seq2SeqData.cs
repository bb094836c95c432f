using MlNetDeep.Engine;

namespace MlNetDeep.Estimators.Tests.Support;

/// <summary>A (source, target) text pair.</summary>
public sealed class TextPair
{
    public string Source { get; set; } = "";

    public string Label { get; set; } = "";
}

/// <summary>The default output columns of <see cref="EncoderDecoder"/>.</summary>
public sealed class TextPrediction
{
    public string PredictedText { get; set; } = "";

    public float Score { get; set; }
}

/// <summary>Small text → text tasks an encoder–decoder learns in seconds.</summary>
internal static class Seq2SeqData
{
    private const string Letters = "abcdef";

    /// <summary>
    /// Words of 1–6 letters a–f; the target spells them as upper-case words ("bad" → "B A D", <paramref name="spell"/>)
    /// or reverses them ("bad" → "dab").
    /// </summary>
    public static List<TextPair> Pairs(int n, int seed, bool spell)
    {
        var rng = new Rng(seed);
        var rows = new List<TextPair>();
        for (int i = 0; i < n; i++)
        {
            string word = new(Enumerable.Range(0, 1 + rng.NextInt(6)).Select(_ => Letters[rng.NextInt(Letters.Length)]).ToArray());
            rows.Add(new TextPair { Source = word, Label = spell ? Spell(word) : new string(word.Reverse().ToArray()) });
        }
        return rows;
    }

    /// <summary>"bad" → "B A D".</summary>
    public static string Spell(string word) => string.Join(" ", word.Select(char.ToUpperInvariant));

    /// <summary>Scoring inputs that stress the model: empty, unknown characters, longer than any training source, repeats.</summary>
    public static readonly string[] HardSources = ["", "xyz", "abcdefabcdefabcdef", "aaaa", "a c"];
}
