using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Engine.Models;
using MlNetDeep.Trainers;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>
/// The source and target vocabularies of a sequence-to-sequence model, learned on the training data with built-in
/// transforms (<see cref="SequenceTokenizer"/> → MapValueToKey: tokens in order of first occurrence, at most the maximum
/// each), and the reading of (source, target) pairs as token ids through the same fitted transforms. Key k of a
/// vocabulary is id <see cref="Seq2SeqTokens.Reserved"/> + k − 1; key 0 (a token not kept) is the unknown id.
/// </summary>
internal sealed class SequenceVocabularies
{
    private const string SourceTokens = "MlNetDeep_TrainingSourceTokens";
    private const string TargetTokens = "MlNetDeep_TrainingTargetTokens";
    private const string SourceKeys = "MlNetDeep_TrainingSourceKeys";
    private const string TargetKeys = "MlNetDeep_TrainingTargetKeys";
    private const string Scratch = "MlNetDeep_TrainingCharacterKeys";

    private readonly ITransformer _keys;

    private SequenceVocabularies(ITransformer keys, IReadOnlyList<string> source, IReadOnlyList<string> target)
    {
        _keys = keys;
        Source = source;
        Target = target;
    }

    /// <summary>Source tokens in id order (id <see cref="Seq2SeqTokens.Reserved"/> + i).</summary>
    public IReadOnlyList<string> Source { get; }

    /// <summary>Target tokens in id order.</summary>
    public IReadOnlyList<string> Target { get; }

    /// <summary>Learns both vocabularies from <paramref name="training"/>.</summary>
    /// <param name="ml">Context.</param>
    /// <param name="training">Training data with the source and target String columns (checked by the caller).</param>
    /// <param name="options">Columns, units and vocabulary limits.</param>
    public static SequenceVocabularies Fit(MLContext ml, IDataView training, EncoderDecoder.Options options)
    {
        var convert = ml.Transforms.Conversion;
        var estimator = SequenceTokenizer.Create(ml, options.SourceColumnName, SourceTokens, options.SourceTokenUnit, Scratch)
            .Append(SequenceTokenizer.Create(ml, options.LabelColumnName, TargetTokens, options.TargetTokenUnit, Scratch))
            .Append(convert.MapValueToKey(SourceKeys, SourceTokens, options.MaximumSourceVocabularySize))
            .Append(convert.MapValueToKey(TargetKeys, TargetTokens, options.MaximumTargetVocabularySize));
        var keys = estimator.Fit(training);
        var schema = keys.GetOutputSchema(training.Schema);
        return new SequenceVocabularies(keys, Values(schema[SourceKeys]), Values(schema[TargetKeys]));
    }

    /// <summary>
    /// The (source, target) pairs of <paramref name="data"/> as ids, each ending with EOS. Rows whose target has no token
    /// are skipped: <paramref name="skipped"/> counts them and <paramref name="firstSkipped"/> is the first (from 0), or −1.
    /// </summary>
    /// <param name="data">Data with the columns the vocabularies were learned on.</param>
    /// <param name="skipped">Rows skipped for an empty target.</param>
    /// <param name="firstSkipped">Row number of the first skipped row, or −1.</param>
    /// <param name="cancellation">Checked every 1,024 rows.</param>
    public List<SequencePair> ReadPairs(IDataView data, out int skipped, out long firstSkipped, CancellationToken cancellation)
    {
        var view = _keys.Transform(data);
        var sourceColumn = view.Schema[SourceKeys];
        var targetColumn = view.Schema[TargetKeys];
        var pairs = new List<SequencePair>();
        skipped = 0;
        firstSkipped = -1;
        using var cursor = view.GetRowCursor([sourceColumn, targetColumn]);
        var sourceGetter = cursor.GetGetter<VBuffer<uint>>(sourceColumn);
        var targetGetter = cursor.GetGetter<VBuffer<uint>>(targetColumn);
        VBuffer<uint> source = default, target = default;
        for (long row = 0; cursor.MoveNext(); row++)
        {
            if ((row & 1023) == 0) cancellation.ThrowIfCancellationRequested();
            targetGetter(ref target);
            if (target.Length == 0)
            {
                if (skipped++ == 0) firstSkipped = row;
                continue;
            }
            sourceGetter(ref source);
            pairs.Add(new SequencePair(Ids(source), Ids(target)));
        }
        return pairs;
    }

    /// <summary>Ids of the keys, then EOS.</summary>
    private static int[] Ids(VBuffer<uint> keys)
    {
        var dense = keys.DenseValues().ToArray();
        var ids = new int[dense.Length + 1];
        for (int i = 0; i < dense.Length; i++) ids[i] = dense[i] == 0 ? Seq2SeqTokens.Unknown : Seq2SeqTokens.Reserved + (int)dense[i] - 1;
        ids[^1] = Seq2SeqTokens.Eos;
        return ids;
    }

    /// <summary>The key values of a key column; none when MapValueToKey saw no token (its key type then has no values).</summary>
    private static IReadOnlyList<string> Values(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") is null) return [];
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }
}
