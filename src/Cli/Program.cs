namespace MlNetDeep.Cli;

/// <summary>Entry point of <c>mlnetdeep</c>; <see cref="Run(string[], TextWriter, TextWriter, Func{string, string?})"/> runs a command in-process (tests).</summary>
public static class Program
{
    /// <summary>Runs the tool on the console.</summary>
    public static int Main(string[] args) =>
        Run(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, interactive: !Console.IsErrorRedirected);

    /// <summary>Runs one command; returns its exit code (<see cref="ExitCodes"/>). Reads the process environment for sharding.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, Environment.GetEnvironmentVariable);

    /// <summary>Runs one command with <paramref name="environment"/> as the source of environment variables (sharding).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment) =>
        Run(args, stdout, stderr, environment, interactive: false);

    private static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, bool interactive)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.Write(HelpText.Text);
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }
        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "info" => InfoCommand.Run(rest, stdout),
                "export-onnx" => ExportOnnxCommand.Run(rest, stdout),
                "score" => ScoreCommand.Run(rest, stderr, environment, interactive),
                _ => throw new UsageException($"Unknown command '{args[0]}'; the commands are info, export-onnx and score."),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine("Run 'mlnetdeep --help' for usage.");
            return ExitCodes.Usage;
        }
        catch (CliException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException or FormatException
                                     or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            // Scoring errors from ML.NET or ONNX Runtime (e.g. a text longer than a model that rejects long texts).
            stderr.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
