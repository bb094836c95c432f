namespace MlNetDeep.Cli;

/// <summary><c>mlnetdeep export-onnx MODEL.zip OUTPUT.onnx</c>: writes the ONNX model inside model.zip, with its metadata, byte for byte.</summary>
internal static class ExportOnnxCommand
{
    public const string Usage = "mlnetdeep export-onnx MODEL.zip OUTPUT.onnx";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = Arguments.Parse(args, new HashSet<string>());
        a.ExpectPositional(2, Usage);
        var saved = SavedModel.Load(a.Positional[0]);
        using (var output = AtomicFile.Create(a.Positional[1]))
        {
            output.Stream.Write(saved.Onnx);
            output.Commit();
        }
        stdout.WriteLine($"wrote {a.Positional[1]} ({saved.Onnx.Length} bytes, task {saved.Description.Task ?? "unknown"})");
        return ExitCodes.Ok;
    }
}
