using System.Globalization;

namespace MlNetDeep.Bench.Compare;

/// <summary>Arguments of <c>compare [cases...] [--seconds S] [--rounds R] [--anchor DIR] [--anchor-work DIR]</c>.</summary>
internal sealed record CompareArgs(IReadOnlyList<string> Cases, double Seconds, int Rounds, string? AnchorDir, string? AnchorWork)
{
    /// <summary>Environment override for the anchor's source folder.</summary>
    public const string AnchorDirVariable = "MLNETDEEP_ANCHOR_DIR";

    /// <summary>Environment override for the writable folder the anchor is copied to and built in.</summary>
    public const string AnchorWorkVariable = "MLNETDEEP_ANCHOR_WORK";

    public static CompareArgs Parse(IReadOnlyList<string> args, double seconds)
    {
        var cases = new List<string>();
        int rounds = 2;
        string? anchor = Environment.GetEnvironmentVariable(AnchorDirVariable);
        string? work = Environment.GetEnvironmentVariable(AnchorWorkVariable);
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--anchor": anchor = args[++i]; break;
                case "--anchor-work": work = args[++i]; break;
                default: cases.Add(args[i]); break;
            }
        }
        if (cases.Count == 0) cases.AddRange(["gemm", "gemm-shapes", "mlp"]);
        if (rounds < 1) throw new ArgumentException("--rounds must be at least 1.");
        return new CompareArgs(cases, seconds, rounds, anchor, work);
    }
}
