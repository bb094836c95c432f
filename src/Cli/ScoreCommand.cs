using System.Globalization;
using Microsoft.ML;
using MlNetDeep.Cli.Input;
using MlNetDeep.Cli.Output;

namespace MlNetDeep.Cli;

/// <summary>
/// <c>mlnetdeep score MODEL.zip INPUT OUTPUT</c>: reads the input (CSV/TSV, Parquet, or a folder of images) a block (the
/// batch size) of rows at a time, converts the rows to the model's input columns, scores the block with <see cref="BatchScorer"/>, and writes the kept
/// columns and the prediction columns (CSV or Parquet). Output (and the errors side file) go to temporary files renamed when complete.
/// </summary>
internal static class ScoreCommand
{
    public const string Usage = "mlnetdeep score MODEL.zip INPUT.csv|INPUT.tsv|INPUT.parquet|IMAGES_FOLDER OUTPUT.csv|OUTPUT.parquet [--keep COLUMN]... [--batch-size N] [--threads N] [--gpu N] [--on-error fail|skip] [--shard i/n]";

    private static readonly HashSet<string> Options = ["keep", "batch-size", "threads", "gpu", "on-error", "shard"];

    public static int Run(IReadOnlyList<string> args, TextWriter stderr, Func<string, string?> environment, bool interactive)
    {
        var a = Arguments.Parse(args, Options);
        a.ExpectPositional(3, Usage);
        string modelPath = a.Positional[0], inputPath = a.Positional[1], outputPath = a.Positional[2];
        int batchSize = a.Int("batch-size", BatchScoringOptions.Defaults.BatchSize, 1);
        int threads = a.Int("threads", BatchScoringOptions.Defaults.IntraOpThreads, 1);
        int? gpu = a.One("gpu") is null ? null : a.Int("gpu", 0, 0);
        string onError = a.One("on-error") ?? "fail";
        if (onError is not ("fail" or "skip")) throw new UsageException($"--on-error must be fail or skip, not '{onError}'.");
        var shard = Shard.From(a.One("shard"), environment);
        var keep = a.All("keep");

        bool folder = Directory.Exists(inputPath);
        string kind = folder ? "folder" : Path.GetExtension(inputPath).ToLowerInvariant();
        if (kind is not ("folder" or ".csv" or ".tsv" or ".tab" or ".parquet"))
            throw new CliException($"Input '{inputPath}'{(File.Exists(inputPath) ? "" : " (no such file or folder)")}: the tool reads .csv, .tsv and .parquet files (CSV/TSV with a header row) and folders of images.");
        if (!folder && !File.Exists(inputPath)) throw new CliException($"Input file '{inputPath}' not found.");
        RowsOutput.Kind(outputPath);

        var saved = SavedModel.Load(modelPath);
        using IInputRows input = kind switch
        {
            "folder" => new ImageFolderRows(inputPath, saved, keep),
            ".parquet" => new ParquetInputRows(inputPath, saved, keep),
            _ => new CsvInputRows(inputPath, kind == ".csv" ? ',' : '\t', saved, keep),
        };

        using var scorer = new BatchScorer(saved.Ml, saved.Model, new BatchScoringOptions { BatchSize = batchSize, IntraOpThreads = threads, GpuDeviceId = gpu });
        if (scorer.Device.FellBackToCpu) stderr.WriteLine($"warning: GPU {gpu} cannot be used, scoring on the CPU: {scorer.Device.FallbackReason}");
        var predictions = PredictionColumns.For(saved.Description.Task, scorer.Transform(new RowsDataView(input.Schema, [])).Schema, saved.Description.ClassNames);

        using var output = AtomicFile.Create(outputPath);
        var writer = RowsOutput.Open(outputPath, output.Stream, [.. input.KeptColumns, .. predictions.Columns]);
        var errors = new List<BadRow>();
        var progress = new Progress(stderr, input.TotalRows, interactive);
        long row = 0, written = 0, block = 0;
        var values = new List<object[]>(batchSize);
        var keptValues = new List<object?[]>(batchSize);
        bool more = true;
        while (more)
        {
            // One block: batchSize input rows, bad ones included, so the sharding does not depend on which rows are bad.
            int inBlock = 0;
            values.Clear();
            keptValues.Clear();
            bool mine = shard.Owns(block);
            while (inBlock < batchSize && (more = input.MoveNext()))
            {
                row++;
                inBlock++;
                if (!mine) continue;
                var parsed = input.Parse(row, out var bad);
                if (parsed is null)
                {
                    if (onError == "fail")
                        throw new CliException($"Input '{inputPath}' row {row} ({input.Where}), column {(bad!.Column.Length > 0 ? bad.Column : "(row)")}: {bad.Reason}. " +
                            "Fix the row, or pass --on-error skip to write such rows to OUTPUT.errors.csv and go on.");
                    errors.Add(bad!);
                    continue;
                }
                values.Add(parsed);
                keptValues.Add(input.Kept());
            }
            if (values.Count > 0) written += ScoreBlock(scorer, input.Schema, values, keptValues, predictions, writer);
            progress.Report(row);
            block++;
        }
        writer.Finish();
        progress.Finish();
        WriteErrors(outputPath, errors);
        output.Commit();
        stderr.WriteLine($"done: {row} input rows, {written} scored{(shard.Count > 1 ? $" (shard {shard.Index}/{shard.Count})" : "")}, " +
            $"{errors.Count} skipped, {progress.Elapsed.TotalSeconds:F1} s, device {(scorer.Device.FellBackToCpu ? $"CPU (GPU {gpu} could not be used, see the warning above)" : scorer.Device.ToString())}; wrote {outputPath}" +
            (errors.Count > 0 ? $" and {outputPath}.errors.csv" : ""));
        return ExitCodes.Ok;
    }

    // Scores one block and writes it: the kept values, then the prediction values, per row.
    private static long ScoreBlock(BatchScorer scorer, Microsoft.ML.DataViewSchema schema, List<object[]> values, List<object?[]> kept,
        PredictionColumns predictions, IRowsOutput writer)
    {
        var scored = scorer.Transform(new RowsDataView(schema, values));
        using var cursor = scored.GetRowCursor(scored.Schema);
        var readers = predictions.Bind(cursor);
        var rows = new List<object?[]>(values.Count);
        while (cursor.MoveNext()) rows.Add([.. kept[rows.Count], .. readers.Select(f => f())]);
        writer.WriteBlock(rows);
        return rows.Count;
    }

    // Side file of skipped rows: written (atomically) only when there are some; an old one from an earlier run is removed.
    private static void WriteErrors(string outputPath, List<BadRow> errors)
    {
        string path = outputPath + ".errors.csv";
        if (errors.Count == 0)
        {
            File.Delete(path);
            return;
        }
        using var file = AtomicFile.Create(path);
        using (var w = new StreamWriter(file.Stream, new System.Text.UTF8Encoding(false), leaveOpen: true))
        {
            var csv = new CsvWriter(w);
            csv.Write(["row", "column", "reason"]);
            foreach (var e in errors) csv.Write([e.Row.ToString(CultureInfo.InvariantCulture), e.Column, e.Reason]);
        }
        file.Commit();
    }
}
