using Microsoft.ML;

namespace MlNetDeep.Transforms;

/// <summary>
/// The scoring chain of a sequence-to-sequence model, made of built-in transformers only (so Save/Load, PredictionEngine
/// and Evaluate work without a custom loader):
/// <code>
/// tokenize(source) → MapValue(token → id; unknown → 0) → ApplyOnnxModel (encoder + beam search in one graph)
///   → MapValue(id → token; special ids → "") → CustomMapping (split n·T tokens into n hypotheses, join them)
///   → CopyColumns (the user's names) → DropColumns (temporaries)
/// </code>
/// </summary>
internal static class Seq2SeqScoringChain
{
    /// <summary>Builds the chain (unfitted; every part is trivially fitted).</summary>
    /// <param name="ml">Context.</param>
    /// <param name="onnxModel">The decoding file, whose input and outputs are named as <see cref="Seq2SeqColumns"/>.</param>
    /// <param name="settings">Columns, token units and vocabularies.</param>
    /// <param name="scoring">GPU settings.</param>
    /// <param name="log">Receives warnings such as a GPU fallback.</param>
    public static IEstimator<ITransformer> Create(MLContext ml, OnnxModelSource onnxModel, Seq2SeqScoringSettings settings, OnnxScoringOptions scoring, Action<string>? log)
    {
        var convert = ml.Transforms.Conversion;
        var outputs = new List<(string User, string Temporary)> { (settings.PredictedTextColumn, Seq2SeqColumns.Text), (settings.ScoreColumn, Seq2SeqColumns.Score) };
        if (settings.NBestColumn is { } nBest) outputs.Add((nBest, Seq2SeqColumns.NBest));
        if (settings.NBestScoresColumn is { } nBestScores) outputs.Add((nBestScores, Seq2SeqColumns.NBestScores));
        if (settings.AttentionColumn is { } attention) outputs.Add((attention, Seq2SeqColumns.Attention));
        string[] onnxOutputs = settings.AttentionColumn is null ? [Seq2SeqColumns.TokenIds, Seq2SeqColumns.Scores] : [Seq2SeqColumns.TokenIds, Seq2SeqColumns.Scores, Seq2SeqColumns.Attention];

        var join = settings.TargetUnit == TokenUnit.Words
            ? ml.Transforms.CustomMapping(new JoinWordTokensFactory().GetMapping(), JoinWordTokensFactory.ContractName)
            : ml.Transforms.CustomMapping(new JoinCharacterTokensFactory().GetMapping(), JoinCharacterTokensFactory.ContractName);
        IEstimator<ITransformer> chain = SequenceTokenizer.Create(ml, settings.SourceColumn, Seq2SeqColumns.SourceTokens, settings.SourceUnit, Seq2SeqColumns.SourceCharacterKeys)
            .Append(convert.MapValue(Seq2SeqColumns.SourceIds, settings.SourceIds(), Seq2SeqColumns.SourceTokens))
            .Append(OnnxModelApplier.Create(ml, onnxOutputs, [Seq2SeqColumns.SourceIds], onnxModel, scoring, log))
            .Append(convert.MapValue(Seq2SeqColumns.TokenText, settings.TargetTokens(), Seq2SeqColumns.TokenIds))
            .Append(join);
        foreach (var (user, temporary) in outputs) chain = chain.Append(ml.Transforms.CopyColumns(user, temporary));
        return chain.Append(ml.Transforms.DropColumns([Seq2SeqColumns.SourceTokens, Seq2SeqColumns.SourceIds, .. onnxOutputs,
                Seq2SeqColumns.TokenText, Seq2SeqColumns.Text, Seq2SeqColumns.Score, Seq2SeqColumns.NBest, Seq2SeqColumns.NBestScores]));
    }
}
