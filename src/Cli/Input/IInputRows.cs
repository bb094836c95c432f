using Microsoft.ML;
using MlNetDeep.Cli.Output;

namespace MlNetDeep.Cli.Input;

/// <summary>
/// The rows of one input (a CSV/TSV file, a Parquet file, a folder of images), already matched to the model's input
/// columns. The score command reads it row by row: <see cref="MoveNext"/> to advance (cheap: rows of other shards are
/// never converted), then <see cref="Parse"/> and <see cref="Kept"/> for the rows it scores.
/// </summary>
internal interface IInputRows : IDisposable
{
    /// <summary>The schema of the values <see cref="Parse"/> returns (the model's needed input columns).</summary>
    DataViewSchema Schema { get; }

    /// <summary>The columns copied to the output before the predictions (--keep, or an image folder's Path).</summary>
    IReadOnlyList<OutputColumn> KeptColumns { get; }

    /// <summary>Number of data rows, for the progress line's ETA (an estimate for CSV with multi-line fields).</summary>
    long TotalRows { get; }

    /// <summary>Where the current row is, for messages, e.g. "line 8", "row group 2", "file cat.png".</summary>
    string Where { get; }

    /// <summary>Advances to the next row; false at the end.</summary>
    bool MoveNext();

    /// <summary>The current row's values (in <see cref="Schema"/>'s order), or null and the first problem found.</summary>
    /// <param name="row">The 1-based row number, for <paramref name="bad"/>.</param>
    /// <param name="bad">Set when the row cannot be scored.</param>
    object[]? Parse(long row, out BadRow? bad);

    /// <summary>The current row's kept values, typed as <see cref="KeptColumns"/> says.</summary>
    object?[] Kept();
}
