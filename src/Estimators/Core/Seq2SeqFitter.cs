using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;
using MlNetDeep.Onnx.Export;
using MlNetDeep.Trainers;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// Fit and GetOutputSchema of <see cref="EncoderDecoder"/>, top to bottom: column checks → vocabularies and (source, target)
/// id pairs (<see cref="SequenceVocabularies"/>) → the engine's <see cref="Seq2Seq"/> trained by <see cref="Seq2SeqTrainer"/>
/// → one decoding ONNX file (beam search inside the graph) → the built-in scoring chain (<see cref="Seq2SeqScoringChain"/>).
/// </summary>
internal sealed class Seq2SeqFitter(MLContext ml, EncoderDecoder.Options options)
{
    /// <summary>ONNX names of the file in a model.zip: the temporary columns of the scoring chain.</summary>
    private static readonly Seq2SeqGraphNames GraphNames = new(Seq2SeqColumns.SourceIds, Seq2SeqColumns.TokenIds, Seq2SeqColumns.Scores, Seq2SeqColumns.Attention);

    /// <summary>Trains and returns the scoring model, its report and the trained network (for <see cref="EncoderDecoder.WithDecoding"/>).</summary>
    /// <param name="input">Training data.</param>
    public (TransformerChain<ITransformer> Model, TrainingReport Report, TrainedSeq2Seq Network) Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        OnnxRuntimeNative.Require("Fit"); // before training: the trained network is scored through ONNX Runtime
        if (options.GpuDeviceId is int gpu && !options.FallbackToCpu) GpuDiagnosis.ThrowIfUnusable(gpu);
        CheckColumns(input.Schema, nameof(input));
        if (options.ValidationSet is { } validationSet) CheckColumns(validationSet.Schema, nameof(TrainerOptions.ValidationSet));

        var host = ((IHostEnvironment)ml).Register("MlNetDeep.EncoderDecoder");
        using var channel = host.Start("Fit");
        var token = options.CancellationToken;
        var vocabularies = SequenceVocabularies.Fit(ml, input, options);
        var training = vocabularies.ReadPairs(input, out int skipped, out long firstSkipped, token);
        if (training.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(input), skipped == 0
                ? $"The training data is empty: it has no rows (columns '{options.SourceColumnName}' and '{options.LabelColumnName}')."
                : $"Every target in column '{options.LabelColumnName}' of the training data is empty ({skipped} rows): a sequence-to-sequence model needs targets with at least one {Unit(options.TargetTokenUnit)}.");
        if (skipped > 0)
            channel.Warning(MessageSensitivity.None, $"{skipped} training rows with an empty '{options.LabelColumnName}' (no {Unit(options.TargetTokenUnit)}) were skipped; the first is row {firstSkipped} (rows count from 0).");
        CheckBeamSize(options.Decoding, vocabularies.Target.Count);
        List<SequencePair>? validation = null;
        if (options.ValidationSet is { } raw)
        {
            validation = vocabularies.ReadPairs(raw, out int skippedValidation, out _, token);
            if (skippedValidation > 0)
                channel.Warning(MessageSensitivity.None, $"{skippedValidation} validation rows with an empty '{options.LabelColumnName}' were skipped.");
        }
        channel.Info(MessageSensitivity.None, $"training on {training.Count} pairs; vocabularies: {vocabularies.Source.Count} source and {vocabularies.Target.Count} target {Unit(options.TargetTokenUnit)}s; {options.NumberOfEpochs} epochs");

        int seed = options.Seed ?? host.Rand.Next();
        var model = new Seq2Seq(Spec(vocabularies.Source.Count, vocabularies.Target.Count), new Rng(seed));
        channel.Info(MessageSensitivity.None, $"network with {model.ParameterCount():N0} parameters");
        var sequence = new Seq2SeqTrainingSettings(options.ScheduledSamplingRatio, options.EarlyStoppingMetric == EarlyStoppingMetric.TokenAccuracy);
        var settings = options.TrainingSettings(seed, validation is { Count: > 0 }, message => channel.Info(MessageSensitivity.None, message));
        var result = new Seq2SeqTrainer(settings, sequence).Train(model, training, validation);

        var trained = new TrainedSeq2Seq(model, vocabularies.Source, vocabularies.Target, result.History.Count, result.BestEpoch);
        var (chain, onnx) = Scoring(trained, options.Decoding);
        return (chain, new TrainingReport(onnx, result.History, result.BestEpoch), trained);
    }

    /// <summary>The scoring model of a trained network with <paramref name="decoding"/>, and its ONNX file.</summary>
    /// <param name="trained">Network and vocabularies of a Fit.</param>
    /// <param name="decoding">Decoding settings (checked by the caller, except against the vocabulary).</param>
    public (TransformerChain<ITransformer> Model, byte[] Onnx) Scoring(TrainedSeq2Seq trained, DecodingOptions decoding)
    {
        CheckBeamSize(decoding, trained.TargetVocabulary.Count);
        var description = new ModelDescription("sequence-to-sequence", Architecture) { EpochsTrained = trained.EpochsTrained, BestEpoch = trained.BestEpoch };
        byte[] onnx = Export(trained.Network, decoding.ToSettings(), description, trained.SourceVocabulary, trained.TargetVocabulary);
        var scoring = new OnnxScoringOptions { GpuDeviceId = options.GpuDeviceId, FallbackToCpu = options.FallbackToCpu };
        var settings = ScoringSettings(trained.SourceVocabulary, trained.TargetVocabulary);
        var host = ((IHostEnvironment)ml).Register("MlNetDeep.EncoderDecoder");
        var chain = ScoringChain.Fit(ml, onnx, source => Seq2SeqScoringChain.Create(ml, source, settings, scoring, ScoringWarnings.To(host)), SourceOnly(), scoring);
        return (chain, onnx);
    }

    /// <summary>The schema after scoring, from the same chain around an untrained stub model.</summary>
    /// <param name="inputSchema">Schema of the data to score.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.Text(inputSchema, options.SourceColumnName);
        SchemaChecks.Text(inputSchema, options.LabelColumnName);
        OnnxRuntimeNative.Require("GetOutputSchema");
        string[] source = ["a"], target = Enumerable.Range(0, options.Decoding.NBest).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var stub = new Seq2Seq(new Seq2SeqSpec(source.Length + Seq2SeqTokens.Reserved, target.Length + Seq2SeqTokens.Reserved, 1, RecurrentCellKind.Gru, 1, 1, false,
            AttentionKind.Dot, false, 0f), new Rng(0));
        int n = options.Decoding.NBest;
        var beam = new BeamSearchSettings(n, n, MaxLength: 2);
        byte[] onnx = Export(stub, beam, new ModelDescription("sequence-to-sequence", Architecture), source, target);
        var settings = ScoringSettings(source, target);
        return ScoringChain.OutputSchema(onnx, model => Seq2SeqScoringChain.Create(ml, model, settings, new OnnxScoringOptions(), null), inputSchema);
    }

    /// <summary>The decoding file; its metadata lists characters as themselves (the vocabularies hold ML.NET's names for some).</summary>
    private byte[] Export(Seq2Seq model, BeamSearchSettings beam, ModelDescription description, IReadOnlyList<string> source, IReadOnlyList<string> target) =>
        Seq2SeqOnnx.BeamSearchModel(model, beam, description.ToModelOptions(),
            new Seq2SeqFileDescription(Readable(source, options.SourceTokenUnit), Readable(target, options.TargetTokenUnit),
                UnitName(options.SourceTokenUnit), UnitName(options.TargetTokenUnit)), GraphNames);

    private static IReadOnlyList<string> Readable(IReadOnlyList<string> tokens, TokenUnit unit) =>
        unit == TokenUnit.Characters ? tokens.Select(CharacterTokens.ToCharacter).ToArray() : tokens;

    private Seq2SeqScoringSettings ScoringSettings(IReadOnlyList<string> source, IReadOnlyList<string> target) =>
        new(options.SourceColumnName, options.SourceTokenUnit, options.TargetTokenUnit, source, target, Seq2SeqTokens.Reserved,
            options.PredictedTextColumnName, options.ScoreColumnName, options.NBestColumnName, options.NBestScoresColumnName, options.AttentionColumnName);

    private void CheckColumns(DataViewSchema schema, string paramName)
    {
        SchemaChecks.Text(schema, options.SourceColumnName, paramName);
        SchemaChecks.Text(schema, options.LabelColumnName, paramName);
    }

    private Seq2SeqSpec Spec(int sourceTokens, int targetTokens) => new(sourceTokens + Seq2SeqTokens.Reserved, targetTokens + Seq2SeqTokens.Reserved,
        options.EmbeddingSize, options.Cell, options.HiddenSize, options.EncoderLayers, options.BidirectionalEncoder, options.Attention, options.InputFeeding, options.DropoutRate);

    /// <summary>The beam cannot be wider than the target ids; thrown before training, naming the option.</summary>
    private void CheckBeamSize(DecodingOptions decoding, int targetTokens)
    {
        int targetIds = targetTokens + Seq2SeqTokens.Reserved;
        if (decoding.BeamSize > targetIds)
            throw new ArgumentOutOfRangeException(nameof(DecodingOptions.BeamSize), decoding.BeamSize,
                $"Decoding.BeamSize ({decoding.BeamSize}) must be at most the number of target ids, {targetIds}: the {targetTokens} {Unit(options.TargetTokenUnit)}s " +
                $"of '{options.LabelColumnName}' in the training data and {Seq2SeqTokens.Reserved} reserved ids.");
    }

    /// <summary>
    /// An empty view with only the source column: the data the scoring chain is fitted on (its transforms read no rows), so
    /// that no reference to the training data is kept for <see cref="Scoring"/>.
    /// </summary>
    private IDataView SourceOnly()
    {
        var definition = SchemaDefinition.Create(typeof(SourceRow));
        definition[0].ColumnName = options.SourceColumnName;
        return ml.Data.LoadFromEnumerable(Array.Empty<SourceRow>(), definition);
    }

    private sealed class SourceRow
    {
        public string Source { get; set; } = "";
    }

    private Dictionary<string, string> Architecture => new()
    {
        ["architecture"] = "encoder-decoder",
        ["cell"] = options.Cell.ToString(),
        ["hidden_size"] = options.HiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["encoder_layers"] = options.EncoderLayers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["bidirectional_encoder"] = options.BidirectionalEncoder ? "true" : "false",
        ["attention"] = options.Attention.ToString(),
        ["input_feeding"] = options.InputFeeding ? "true" : "false",
    };

    private static string UnitName(TokenUnit unit) => unit == TokenUnit.Words ? "words" : "characters";

    private static string Unit(TokenUnit unit) => unit == TokenUnit.Words ? "word" : "character";
}
