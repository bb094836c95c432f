using System.ComponentModel;
using Microsoft.ML.Transforms;

namespace MlNetDeep.Transforms;

/// <summary>Joins decoded tokens into text: splits the n·T tokens into n hypotheses (n = number of scores) and joins each.</summary>
internal static class TokenJoining
{
    /// <summary>Fills <paramref name="output"/> from <paramref name="input"/>, joining a hypothesis' tokens with <paramref name="separator"/>.</summary>
    /// <param name="input">Tokens and scores.</param>
    /// <param name="output">Texts and scores.</param>
    /// <param name="separator">"" for characters; " " for words, whose empty tokens (special ids) are left out.</param>
    public static void Map(DecodedTokensRow input, DecodedTextRow output, string separator)
    {
        int n = input.Scores.Length;
        int steps = n == 0 ? 0 : input.Tokens.Length / n;
        var texts = new string[n];
        for (int j = 0; j < n; j++)
        {
            var hypothesis = input.Tokens.AsSpan(j * steps, steps).ToArray();
            texts[j] = separator.Length == 0 ? string.Concat(hypothesis) : string.Join(separator, hypothesis.Where(t => t.Length > 0));
        }
        output.NBest = texts;
        output.NBestScores = input.Scores.ToArray();
        output.Text = n > 0 ? texts[0] : "";
        output.Score = n > 0 ? input.Scores[0] : float.NaN;
    }
}

/// <summary>Decoded character tokens → text (joined with nothing).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(ContractName)]
public sealed class JoinCharacterTokensFactory : CustomMappingFactory<DecodedTokensRow, DecodedTextRow>
{
    /// <summary>Contract name stored in saved models; never change it.</summary>
    internal const string ContractName = "MlNetDeep.JoinCharacterTokens";

    /// <inheritdoc/>
    public override Action<DecodedTokensRow, DecodedTextRow> GetMapping() => (input, output) => TokenJoining.Map(input, output, "");
}

/// <summary>Decoded word tokens → text (joined with single spaces).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[CustomMappingFactoryAttribute(ContractName)]
public sealed class JoinWordTokensFactory : CustomMappingFactory<DecodedTokensRow, DecodedTextRow>
{
    /// <summary>Contract name stored in saved models; never change it.</summary>
    internal const string ContractName = "MlNetDeep.JoinWordTokens";

    /// <inheritdoc/>
    public override Action<DecodedTokensRow, DecodedTextRow> GetMapping() => (input, output) => TokenJoining.Map(input, output, " ");
}
