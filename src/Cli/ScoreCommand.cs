using System.Globalization;
using Microsoft.ML;
using MlNetDeep.Cli.Input;
using MlNetDeep.Cli.Output;

namespace MlNetDeep.Cli;

/// <summary>
/// <c>mlnetdeep score MODEL.zip INPUT.csv OUTPUT.csv</c>: reads the input a block (the batch size) of rows at a time,
/// converts the rows to the model's input columns, scores the block with <see cref="BatchScorer"/>, and writes the kept
/// columns and the prediction columns. Output (and the errors side file) go to temporary files renamed when complete.
/// </summary>
internal static class ScoreCommand
{
    public const string Usage = "mlnetdeep score MODEL.zip INPUT.csv|INPUT.tsv OUTPUT.csv [--keep COLUMN]... [--batch-size N] [--threads N] [--gpu N] [--on-error fail|skip] [--shard i/n]";

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

        string extension = Path.GetExtension(inputPath).ToLowerInvariant();
        char separator = extension switch
        {
            ".csv" => ',',
            ".tsv" or ".tab" => '\t',
            _ => throw new CliException($"Input '{inputPath}': the tool reads .csv and .tsv files (with a header row); Parquet and image folders come later."),
        };
        if (!File.Exists(inputPath)) throw new CliException($"Input file '{inputPath}' not found.");
        if (!string.Equals(Path.GetExtension(outputPath), ".csv", StringComparison.OrdinalIgnoreCase))
            throw new CliException($"Output '{outputPath}': the tool writes .csv files; Parquet output comes later.");

        var saved = SavedModel.Load(modelPath);
        long total = CountRows(inputPath);
        using var reader = new StreamReader(inputPath);
        var records = new CsvRecordReader(reader, separator);
        List<string> header = records.Read() ?? throw new CliException($"Input '{inputPath}' is empty: it needs at least a header row.");
        var sources = InputLayout.Match(saved.Model, saved.InputSchema, header, inputPath);
        int[] kept = [.. keep.Select(k => header.IndexOf(k) is int i and >= 0 ? i
            : throw new CliException($"--keep {k}: input '{inputPath}' has no column '{k}' (its header has: {string.Join(", ", header)})."))];
        var schema = RowsDataView.SchemaOf(sources);

        using var scorer = new BatchScorer(saved.Ml, saved.Model, new BatchScoringOptions { BatchSize = batchSize, IntraOpThreads = threads, GpuDeviceId = gpu });
        if (scorer.Device.FellBackToCpu) stderr.WriteLine($"warning: GPU {gpu} cannot be used, scoring on the CPU: {scorer.Device.FallbackReason}");
        var predictions = PredictionColumns.For(saved.Description.Task, scorer.Transform(new RowsDataView(schema, [])).Schema, saved.Description.ClassNames);

        using var output = AtomicFile.Create(outputPath);
        var writer = new StreamWriter(output.Stream, new System.Text.UTF8Encoding(false));
        var csv = new CsvWriter(writer);
        csv.Write([.. keep, .. predictions.Headers]);
        var errors = new List<BadRow>();
        var progress = new Progress(stderr, total, interactive);
        long row = 0, written = 0, block = 0;
        var values = new List<object[]>(batchSize);
        var keptFields = new List<string[]>(batchSize);
        while (true)
        {
            // One block: batchSize input rows, bad ones included, so the sharding does not depend on which rows are bad.
            int inBlock = 0;
            values.Clear();
            keptFields.Clear();
            bool mine = shard.Owns(block);
            List<string>? fields = null;
            while (inBlock < batchSize && (fields = records.Read()) is not null)
            {
                row++;
                inBlock++;
                if (!mine) continue;
                var parsed = RowParser.Parse(sources, fields, header.Count, row, out var bad);
                if (parsed is null)
                {
                    if (onError == "fail")
                        throw new CliException($"Input '{inputPath}' row {row} (line {records.RecordLine}), column {(bad!.Column.Length > 0 ? bad.Column : "(row)")}: {bad.Reason}. " +
                            "Fix the row, or pass --on-error skip to write such rows to OUTPUT.errors.csv and go on.");
                    errors.Add(bad!);
                    continue;
                }
                values.Add(parsed);
                keptFields.Add([.. kept.Select(k => fields[k])]);
            }
            if (values.Count > 0) written += ScoreBlock(scorer, schema, values, keptFields, predictions, csv);
            progress.Report(row);
            block++;
            if (fields is null) break;
        }
        writer.Flush();
        progress.Finish();
        WriteErrors(outputPath, errors);
        output.Commit();
        stderr.WriteLine($"done: {row} input rows, {written} scored{(shard.Count > 1 ? $" (shard {shard.Index}/{shard.Count})" : "")}, " +
            $"{errors.Count} skipped, {progress.Elapsed.TotalSeconds:F1} s, device {(scorer.Device.FellBackToCpu ? $"CPU (GPU {gpu} could not be used, see the warning above)" : scorer.Device.ToString())}; wrote {outputPath}" +
            (errors.Count > 0 ? $" and {outputPath}.errors.csv" : ""));
        return ExitCodes.Ok;
    }

    private static long ScoreBlock(BatchScorer scorer, Microsoft.ML.DataViewSchema schema, List<object[]> values, List<string[]> kept,
        PredictionColumns predictions, CsvWriter csv)
    {
        var scored = scorer.Transform(new RowsDataView(schema, values));
        using var cursor = scored.GetRowCursor(scored.Schema);
        var formatters = predictions.Bind(cursor);
        long n = 0;
        while (cursor.MoveNext())
        {
            csv.Write([.. kept[(int)n], .. formatters.Select(f => f())]);
            n++;
        }
        return n;
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

    // Data rows (non-blank lines after the header), for the ETA; a quoted field spanning lines makes this an estimate.
    private static long CountRows(string path)
    {
        long n = 0;
        foreach (string line in File.ReadLines(path)) if (line.Length > 0) n++;
        return Math.Max(0, n - 1);
    }
}
