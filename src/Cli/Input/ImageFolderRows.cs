using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDeep.Cli.Output;

namespace MlNetDeep.Cli.Input;

/// <summary>
/// The image files of a folder (not its subfolders) as rows, for a model that loads images from a path column (ML.NET's
/// LoadImages or LoadRawImageBytes). Files are those ending in .png, .jpg, .jpeg, .bmp, .gif or .webp (any case), sorted
/// by name (ordinal), so the rows, blocks and shards are the same on every machine. Each row gives the model the file's
/// full path (LoadImages combines its saved folder with the path, and combining with a full path gives the full path),
/// other needed columns (e.g. the Label a MapValueToKey reads) their missing value; the output's Path column is the file
/// name.
/// </summary>
internal sealed class ImageFolderRows : IInputRows
{
    /// <summary>The file extensions read, lower case.</summary>
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    private readonly string[] _files;
    private readonly DataViewSchema.Column[] _columns;
    private readonly int _pathColumn;
    private int _at = -1;

    /// <summary>Lists <paramref name="folder"/> and finds the model's image path column; <see cref="CliException"/>s say why a model cannot score images.</summary>
    public ImageFolderRows(string folder, SavedModel saved, IReadOnlyList<string> keep)
    {
        if (keep.Count > 0)
            throw new CliException($"--keep {keep[0]}: input '{folder}' is a folder of images, which has no columns to keep; the output's Path column names each image.");
        var needed = InputLayout.Needed(saved.Model, saved.InputSchema);
        var loaded = ImagePathColumns(saved.Model, saved.InputSchema);
        var paths = needed.Where(c => loaded.Contains(c.Name) && c.Type is TextDataViewType).ToList();
        if (paths.Count != 1)
            throw new CliException($"Input '{folder}' is a folder of images, but the model " + (paths.Count == 0
                ? $"does not load images from a path column (no LoadImages or LoadRawImageBytes on its input); it reads {string.Join(", ", needed.Select(c => $"{c.Name}: {c.Type}"))}. Score it from a .csv, .tsv or .parquet file."
                : $"loads images from {paths.Count} path columns ({string.Join(", ", paths.Select(c => c.Name))}); the tool fills one from a folder."));
        foreach (var c in needed)
            if (c.Name != paths[0].Name && !(c.Type is TextDataViewType || c.Type == NumberDataViewType.Single || c.Type == NumberDataViewType.Double))
                throw new CliException($"Input '{folder}' is a folder of images, but the model also needs column {c.Name} ({c.Type}), which a folder cannot give (only text and number columns are left missing). Score it from a .csv, .tsv or .parquet file with a {paths[0].Name} column.");
        _columns = [.. needed];
        _pathColumn = Array.FindIndex(_columns, c => c.Name == paths[0].Name);
        _files = [.. Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)];
        Schema = RowsDataView.SchemaOf(_columns.Select(c => new ColumnSource(c, [], [])));
    }

    public DataViewSchema Schema { get; }

    public IReadOnlyList<OutputColumn> KeptColumns { get; } = [new OutputColumn("Path", typeof(string))];

    public long TotalRows => _files.Length;

    public string Where => $"file {Path.GetFileName(_files[_at])}";

    public bool MoveNext() => ++_at < _files.Length;

    public object[]? Parse(long row, out BadRow? bad)
    {
        bad = null;
        string file = Path.GetFullPath(_files[_at]);
        // The file is decoded here, once more than LoadImages will, with the decoder LoadImages itself uses
        // (MLImage.CreateFromFile): a file it cannot decode is a bad row found before its block is scored. The other way,
        // scoring the block and rescoring it row by row when it throws, would rely on which exception ML.NET's cursor
        // throws from deep inside a batch (and a block with a bad image would be scored twice); decoding first costs one
        // decode per image, small next to the network, and names the file for certain.
        string? problem = null;
        try
        {
            // Opened first so that an unreadable file says why; MLImage reports any failure as an "invalid path".
            File.OpenRead(file).Dispose();
            using var image = MLImage.CreateFromFile(file);
            if (image.Width <= 0 || image.Height <= 0) problem = "has no pixels";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot be read ({e.Message.TrimEnd('.')})";
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            problem = "cannot be decoded as an image (corrupt, or not a PNG, JPEG, BMP, GIF or WebP file that ML.NET's LoadImages reads)";
        }
        if (problem is not null)
        {
            bad = new BadRow(row, _columns[_pathColumn].Name, $"{Path.GetFileName(file)} {problem}");
            return null;
        }
        var values = new object[_columns.Length];
        for (int c = 0; c < values.Length; c++)
            values[c] = c == _pathColumn ? file.AsMemory() : CellConverter.Convert(null, _columns[c].Type, out _)!;
        return values;
    }

    public object?[] Kept() => [Path.GetFileName(_files[_at])];

    public void Dispose() { }

    // The text columns an image loader (LoadImages, LoadRawImageBytes) reads. ImageLoadingTransformer does not make its
    // column pairs public, so each text column at the loader's place in the chain is removed in turn: the loader's own
    // schema check fails exactly for its input column (as InputLayout.Needed finds the model's needed columns).
    private static HashSet<string> ImagePathColumns(ITransformer model, DataViewSchema saved)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var schema = saved;
        foreach (var stage in Flatten(model))
        {
            if (stage is ImageLoadingTransformer)
                foreach (var column in schema.Where(c => !c.IsHidden && c.Type is TextDataViewType))
                {
                    var without = new DataViewSchema.Builder();
                    foreach (var other in schema) if (!other.IsHidden && other.Name != column.Name) without.AddColumn(other.Name, other.Type, other.Annotations);
                    try { stage.GetOutputSchema(without.ToSchema()); }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException) { found.Add(column.Name); }
                }
            schema = stage.GetOutputSchema(schema);
        }
        return found;
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer) => transformer is IEnumerable<ITransformer> parts
        ? parts.SelectMany(Flatten)
        : [transformer];
}
