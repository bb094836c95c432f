using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDeep;

/// <summary>Reads predicted and reference texts from a data view, cuts them into tokens and computes <see cref="SequenceToSequenceMetrics"/>.</summary>
internal static class SequenceEvaluator
{
    /// <summary>Evaluates every row of <paramref name="data"/>.</summary>
    /// <param name="data">Scored data.</param>
    /// <param name="labelColumn">String reference, or Vector&lt;String&gt; of references (empty strings in a vector are ignored).</param>
    /// <param name="predictedColumn">String prediction.</param>
    /// <param name="unit">How texts are cut: characters, or words split on spaces.</param>
    public static SequenceToSequenceMetrics Evaluate(IDataView data, string labelColumn, string predictedColumn, TokenUnit unit)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!Enum.IsDefined(unit)) throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown token unit.");
        var label = SchemaChecks.Find(data.Schema, labelColumn, nameof(data));
        bool several = label.Type is VectorDataViewType { ItemType: TextDataViewType };
        if (!several && label.Type != TextDataViewType.Instance) throw SchemaChecks.Mismatch(nameof(data), labelColumn, "String or Vector<String>", label.Type);
        SchemaChecks.Text(data.Schema, predictedColumn, nameof(data));
        var predicted = data.Schema[predictedColumn];

        var scores = new SequenceScores();
        using var cursor = data.GetRowCursor([label, predicted]);
        var predictedGetter = cursor.GetGetter<ReadOnlyMemory<char>>(predicted);
        var referenceGetter = several ? null : cursor.GetGetter<ReadOnlyMemory<char>>(label);
        var referencesGetter = several ? cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(label) : null;
        ReadOnlyMemory<char> text = default, reference = default;
        VBuffer<ReadOnlyMemory<char>> references = default;
        while (cursor.MoveNext())
        {
            predictedGetter(ref text);
            IReadOnlyList<IReadOnlyList<string>> tokens;
            if (referencesGetter is not null)
            {
                referencesGetter(ref references);
                var kept = references.DenseValues().Where(r => !r.IsEmpty).Select(r => Tokens(r, unit)).ToList();
                tokens = kept.Count > 0 ? kept : [[]];
            }
            else
            {
                referenceGetter!(ref reference);
                tokens = [Tokens(reference, unit)];
            }
            scores.Add(Tokens(text, unit), tokens);
        }
        return scores.Result();
    }

    /// <summary>Characters (UTF-16 code units), or words split on spaces with empty pieces dropped, as <see cref="Transforms.SequenceTokenizer"/> cuts them.</summary>
    private static IReadOnlyList<string> Tokens(ReadOnlyMemory<char> text, TokenUnit unit) => unit == TokenUnit.Words
        ? text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)
        : text.ToString().Select(c => c.ToString()).ToArray();
}
