namespace MlNetDeep.Cli;

/// <summary>The text of <c>mlnetdeep --help</c>.</summary>
internal static class HelpText
{
    public const string Text = """
        mlnetdeep — describe, export and batch-score ML.NET models trained with MlNetDeep (model.zip)

        Usage:
          mlnetdeep info MODEL.zip
              Input and output columns, task, class names, architecture, ONNX opset, training summary.
          mlnetdeep export-onnx MODEL.zip OUTPUT.onnx
              Writes the ONNX model inside MODEL.zip, with its mlnetdeep.* metadata (docs/onnx-metadata.md).
          mlnetdeep score MODEL.zip INPUT OUTPUT [options]
              Scores every row of INPUT (INPUT.csv, INPUT.tsv, INPUT.parquet, or a folder of images) and writes
              OUTPUT (OUTPUT.csv or OUTPUT.parquet).

        Input (score): columns are matched to the model's saved input columns by name. A vector column of known size,
          e.g. Features: float[64], comes from numbered columns Features_0 … Features_63, or from one column Features
          holding the 64 values separated by spaces (or, in Parquet, a list of 64 values). Numbers are invariant
          culture; an empty number field, NaN or a Parquet null is a missing value (scored as model.Transform scores
          NaN). CSV/TSV need a header row; Parquet is read one row group at a time, and its numbers, booleans and text
          convert to the model's types (a value that cannot is a bad row naming its row and column).
          A folder of images (files .png .jpg .jpeg .bmp .gif .webp, any case, not subfolders, in name order) is for
          models that load images from a path column (LoadImages, LoadRawImageBytes); an image that cannot be
          decoded is a bad row naming the file.
        Output (score): the --keep columns (for a folder: Path, the file name), then the predictions: classifier →
          PredictedLabel and Score_<class> per class; regressor → Score; text → text → PredictedText and Score.
          OUTPUT.parquet has typed fields (float scores, string labels, kept columns as read), one row group per block.
          Written to OUTPUT.tmp and renamed when complete, so OUTPUT never holds a partial result; rerunning is safe.

        Options (score):
          --keep COLUMN        copy an input column to the output (repeatable), e.g. an id
          --batch-size N       rows per ONNX Runtime call and rows per shard block (default 64)
          --threads N          ONNX Runtime intra-op threads (default 1)
          --gpu N              score on CUDA device N; falls back to the CPU with a warning if it cannot be used
          --on-error fail|skip fail (default): stop at the first bad row, naming its row and column;
                               skip: go on, and write the skipped rows and reasons to OUTPUT.errors.csv
          --shard i/n          score only blocks b (of --batch-size rows) with b mod n = i; every shard must use the
                               same --batch-size. Without it: JOB_COMPLETION_INDEX (Kubernetes Indexed Job) and
                               MLNETDEEP_SHARD_COUNT, when MLNETDEEP_SHARD_COUNT is set.

        Progress goes to stderr (a live bar on a terminal, a line every 5 s otherwise), then a summary line.
        Exit codes: 0 done; 1 bad input (model, input file, output path) or a scoring error; 2 wrong command line.

        """;
}
