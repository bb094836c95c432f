namespace MlNetDeep.Bench.Harness;

/// <summary>
/// Result lines in the anchor's exact format, so that compare mode parses both programs with one parser
/// (<see cref="Compare.ResultParser"/>).
/// </summary>
internal static class ResultLines
{
    public const string PeakPrefix = "peak_working_set_MiB=";
    public const string NotImplemented = "n/a (layer not implemented yet)";

    public static string Model(string name, int batch, Timing r, string extra)
    {
        double sps = batch * 1000.0 / r.MedianMs;
        return $"{name,-24} batch={batch,-3} median_ms={r.MedianMs,9:F3} min_ms={r.MinMs,9:F3} samples_per_s={sps,10:F1} steps={r.Steps} {extra}".TrimEnd();
    }

    public static string Gemm(string name, string shape, double flop, Timing r) =>
        $"{name,-24} {shape} median_ms={r.MedianMs,9:F3} min_ms={r.MinMs,9:F3} GFLOPs_median={flop / (r.MedianMs * 1e6),7:F1} GFLOPs_best={flop / (r.MinMs * 1e6),7:F1} samples={r.Steps}";

    public static string Pending(string name) => $"{name,-24} {NotImplemented}";

    public static string Peak(long peakBytes, long initBytes, IEnumerable<string> cases) =>
        $"{PeakPrefix}{peakBytes / (1024.0 * 1024.0):F1} (working set after init: {initBytes / (1024.0 * 1024.0):F1} MiB) cases={string.Join(",", cases)}";
}
