using System.Globalization;

namespace MlNetDeep.Cli;

/// <summary>
/// Which blocks of input rows this run scores. Rows are cut into blocks of the batch size (rows 1–B are block 0, …); block
/// b belongs to shard b mod n. Bad rows count in their block, so the split depends only on the input file, the batch size
/// and n: every shard must run with the same <c>--batch-size</c>.
/// </summary>
/// <param name="Index">This shard, 0 ≤ Index &lt; Count.</param>
/// <param name="Count">Number of shards.</param>
internal sealed record Shard(int Index, int Count)
{
    /// <summary>Environment variable giving the shard count when <c>--shard</c> is absent (with Kubernetes' JOB_COMPLETION_INDEX).</summary>
    public const string CountVariable = "MLNETDEEP_SHARD_COUNT";

    /// <summary>Kubernetes Indexed Job's completion index.</summary>
    public const string IndexVariable = "JOB_COMPLETION_INDEX";

    /// <summary>The whole input.</summary>
    public static readonly Shard All = new(0, 1);

    /// <summary>Whether block <paramref name="block"/> is this shard's.</summary>
    public bool Owns(long block) => block % Count == Index;

    /// <summary>From <c>--shard i/n</c>, else from the environment (both variables), else the whole input.</summary>
    public static Shard From(string? option, Func<string, string?> environment)
    {
        if (option is not null)
        {
            string[] p = option.Split('/');
            if (p.Length == 2 && int.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i) &&
                int.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i < n)
                return new Shard(i, n);
            throw new UsageException($"--shard must be i/n with 0 ≤ i < n (e.g. 0/3), not '{option}'.");
        }
        string? count = environment(CountVariable);
        if (string.IsNullOrEmpty(count)) return All;
        string? index = environment(IndexVariable);
        if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int total) || total < 1)
            throw new UsageException($"{CountVariable} must be a whole number ≥ 1, not '{count}'.");
        if (string.IsNullOrEmpty(index) || !int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int at) || at >= total)
            throw new UsageException($"{CountVariable}={count} is set, so {IndexVariable} must be a whole number in [0, {total - 1}], not '{index ?? "(unset)"}'.");
        return new Shard(at, total);
    }
}
