namespace MlNetDeep.Cli;

/// <summary>Exit codes of the tool (documented in --help and docs/batch-scoring.md).</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Bad input (model, input file, output path) or a scoring error; the message on stderr says which.</summary>
    public const int Failed = 1;

    /// <summary>The command line itself is wrong (unknown command or option, missing argument).</summary>
    public const int Usage = 2;
}

/// <summary>A failure whose message is meant for the user as it is (no stack trace): names the file, row, column and what was expected.</summary>
public class CliException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A wrong command line: exit code 2 and a pointer to --help.</summary>
public sealed class UsageException(string message) : CliException(message);
