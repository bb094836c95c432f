namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Splits a memory-bound pass (activation, batch norm, pooling, addition) over [0, count) into a few contiguous ranges
/// run on the engine's <see cref="WorkerPool"/>. The split depends only on <c>count</c> and the thread limit, never on timing, and
/// each range is computed exactly as the whole pass would compute it, so results are identical to a serial run.
/// </summary>
internal static class ParallelRanges
{
    /// <summary>
    /// Floats below which a pass stays on the calling thread: waking a worker costs a few microseconds, the time to
    /// stream about 64 Ki floats.
    /// </summary>
    public const int MinFloats = 1 << 16;

    /// <summary>
    /// Runs <paramref name="body"/>(start, end) over ranges covering [0, <paramref name="count"/>): one range when
    /// count · <paramref name="floatsPerItem"/> is below <see cref="MinFloats"/>, else two ranges per thread (claimed
    /// dynamically, so a descheduled worker only delays its own range).
    /// </summary>
    /// <param name="count">Items (elements, channels or planes).</param>
    /// <param name="floatsPerItem">Floats each item reads or writes, to weigh the work.</param>
    /// <param name="body">Work on items [start, end); may run concurrently for disjoint ranges.</param>
    public static void For(int count, long floatsPerItem, Action<int, int> body)
    {
        int threads = Math.Min(Environment.ProcessorCount, WorkerPool.MaxThreads);
        long chunks = Math.Min(Math.Min(2L * threads, count), count * floatsPerItem / MinFloats);
        if (chunks < 2 || WorkerPool.Serial)
        {
            if (count > 0) body(0, count);
            return;
        }
        int n = (int)chunks;
        WorkerPool.ParallelFor(n, ci => body((int)((long)ci * count / n), (int)((long)(ci + 1) * count / n)));
    }
}
