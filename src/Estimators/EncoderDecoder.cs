using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep;

/// <summary>
/// Text → text with an encoder–decoder network with attention (spelling → pronunciation, dates or addresses → a normal
/// form, short translations): Fit learns a source and a target vocabulary with built-in ML.NET transforms, trains the
/// network with MlNetDeep's engine (teacher forcing), and returns a model whose single ONNX graph decodes by itself
/// (greedy, or beam search with n-best output), so it saves, loads and scores like any ML.NET model.
/// </summary>
/// <remarks>
/// | | |
/// |---|---|
/// | Machine learning task | Sequence to sequence |
/// | Input | Source: String; Label (training only): String |
/// | Output | PredictedText: String; Score: Single (the best hypothesis' length-normalised log-probability); optional n-best columns |
/// | Exportable to ONNX | Yes: one file with the decoding inside, and its vocabularies in the metadata (docs/seq2seq-onnx-format.md) |
///
/// Texts are used as they are (no lower-casing). Source tokens not seen in training map to an "unknown" id; an empty
/// source is decoded like any other (from the end-of-sequence token alone). Sources may be longer than any training
/// source: the graph has no length limit, but quality drops on lengths never trained on. Training rows with an empty
/// target are skipped with a warning (all empty is an error). Scoring is deterministic. Fit reads the data twice (once to
/// learn the vocabularies, once for the pairs) and holds the pairs as token ids in memory (4 bytes per token), batched
/// by similar length for training.
/// </remarks>
public sealed partial class EncoderDecoder : IEstimator<TransformerChain<ITransformer>>
{
    private readonly Seq2SeqFitter _fitter;
    private TrainedSeq2Seq? _trained;

    internal EncoderDecoder(MLContext ml, Options options)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(options);
        // Copied, then checked: later changes to the caller's object have no effect on this trainer.
        var snapshot = (Options)options.Snapshot();
        snapshot.Check();
        _fitter = new Seq2SeqFitter(ml, snapshot);
    }

    /// <summary>The ONNX model and history of the last successful <see cref="Fit"/>, or null before it.</summary>
    public TrainingReport? LastTrainingReport { get; private set; }

    /// <summary>Trains on <paramref name="input"/> and returns the scoring model.</summary>
    /// <param name="input">Data with the source and target text columns.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not String, the data has no rows or only empty
    /// targets, or BeamSize exceeds the target ids (named in the message).</exception>
    /// <exception cref="OperationCanceledException">The options' CancellationToken was cancelled.</exception>
    public TransformerChain<ITransformer> Fit(IDataView input)
    {
        var (model, report, trained) = _fitter.Fit(input);
        LastTrainingReport = report;
        _trained = trained;
        return model;
    }

    /// <summary>
    /// The network trained by the last <see cref="Fit"/> with other decoding settings, without training again: e.g. greedy
    /// (BeamSize 1) against beam search, or more n-best hypotheses. The columns are those of the options.
    /// </summary>
    /// <param name="decoding">Decoding settings.</param>
    /// <exception cref="InvalidOperationException">No Fit has succeeded yet.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (named in the message).</exception>
    public TransformerChain<ITransformer> WithDecoding(DecodingOptions decoding)
    {
        ArgumentNullException.ThrowIfNull(decoding);
        decoding.Check();
        var trained = _trained ?? throw new InvalidOperationException("WithDecoding re-exports the network of the last Fit: call Fit first.");
        return _fitter.Scoring(trained, decoding).Model;
    }

    /// <summary>The schema after scoring: adds PredictedText and Score (and the n-best columns when named).</summary>
    /// <param name="inputSchema">Schema of the data to score.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _fitter.GetOutputSchema(inputSchema);
}
